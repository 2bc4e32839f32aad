"""The Team page: a team lead's weekly review of the pipeline, with its drill-downs."""
