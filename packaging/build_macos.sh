#!/usr/bin/env bash
# Build FirstLoan CRM for macOS: dist/FirstLoanCRM.app, checked with --smoke on a fresh book,
# then packed as dist/FirstLoanCRM-<version>-macos-<arch>.dmg. Signing and notarising use the
# bank's Developer ID: set CODESIGN_IDENTITY (and notarise the .dmg with notarytool).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 packaging/bootstrap.py build
version=$(.venv/bin/python -c "import crm; print(crm.__version__)")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
QT_QPA_PLATFORM=offscreen dist/FirstLoanCRM.app/Contents/MacOS/crm gui --smoke --db "$scratch/smoke.db"
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --deep --force --options runtime --sign "$CODESIGN_IDENTITY" dist/FirstLoanCRM.app
fi
image="dist/FirstLoanCRM-${version}-macos-$(uname -m).dmg"
hdiutil create -volname "首贷通 FirstLoan CRM" -srcfolder dist/FirstLoanCRM.app -ov -format UDZO "$image"
echo "built $image"
