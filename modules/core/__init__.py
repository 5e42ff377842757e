"""The Core module.

Foundations every platform has: settings, the staff dashboard and shared services.
"""
