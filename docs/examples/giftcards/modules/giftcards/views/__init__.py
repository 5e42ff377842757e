"""Thin views, one file per frontend: staff.py, vendor.py."""
