"""Reports in the app: preview, print and save a visit or pipeline report, and export the
visit reports of a period, all made by ``ReportService`` on a worker."""
