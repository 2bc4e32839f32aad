# Build FirstLoan CRM for Windows: dist\FirstLoanCRM\ (FirstLoanCRM.exe, the window, and
# crm.exe, the command line), checked with --smoke on a fresh book, then packed as
# dist\FirstLoanCRM-<version>-windows-x64.zip. Sign the two .exe with the bank's certificate
# (signtool) before packing when SIGN_CERT is set.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
py -3 packaging\bootstrap.py build
if ($LASTEXITCODE -ne 0) { throw "build failed" }
$version = & .venv\Scripts\python.exe -c "import crm; print(crm.__version__)"
$scratch = Join-Path $env:TEMP ("crm-smoke-" + [guid]::NewGuid())
New-Item -ItemType Directory $scratch | Out-Null
$env:QT_QPA_PLATFORM = "offscreen"
& dist\FirstLoanCRM\crm.exe gui --smoke --db (Join-Path $scratch "smoke.db")
if ($LASTEXITCODE -ne 0) { throw "smoke run failed" }
Remove-Item Env:QT_QPA_PLATFORM
Remove-Item -Recurse -Force $scratch
if ($env:SIGN_CERT) {
    signtool sign /f $env:SIGN_CERT /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 `
        dist\FirstLoanCRM\FirstLoanCRM.exe dist\FirstLoanCRM\crm.exe
}
$archive = "dist\FirstLoanCRM-$version-windows-x64.zip"
Compress-Archive -Force -Path dist\FirstLoanCRM -DestinationPath $archive
Write-Output "built $archive"
