"""Products: the Products page (the catalogue) and, on the prospect page, the product panel
(a pre-assessment of every product), the business facts editor and the services held."""
