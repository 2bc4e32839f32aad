#!/usr/bin/env bash
# Build FirstLoan CRM for Linux: dist/FirstLoanCRM/ (one folder: FirstLoanCRM, the window, and
# crm, the command line), checked with --smoke on a fresh book, then packed as
# dist/FirstLoanCRM-<version>-linux-<arch>.tar.gz with a desktop entry and the icon.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 packaging/bootstrap.py build
version=$(.venv/bin/python -c "import crm; print(crm.__version__)")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
QT_QPA_PLATFORM=offscreen dist/FirstLoanCRM/FirstLoanCRM gui --smoke --db "$scratch/smoke.db"
install -m 644 packaging/linux/firstloan-crm.desktop dist/FirstLoanCRM/
install -m 644 build/pyinstaller/firstloan/icons/firstloan.png dist/FirstLoanCRM/firstloan-crm.png
archive="dist/FirstLoanCRM-${version}-linux-$(uname -m).tar.gz"
tar -C dist -czf "$archive" FirstLoanCRM
echo "built $archive"
