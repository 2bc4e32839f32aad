"""The visit calendar: day plan by district, week and month views, drag to reschedule."""
