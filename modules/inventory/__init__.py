"""The Inventory module.

Stock levels per product and location, with adjustments and low-stock alerts.
"""
