"""The desktop app (PySide6): only code under crm.ui imports Qt.

Importing the package installs a lighter PySide6 source check first
(`crm.ui.shell.pyside_source_scan`), before any of the app's modules is imported and checked.
"""

from crm.ui.shell import pyside_source_scan

pyside_source_scan.install()
