"""The floor of bench/pages.py: the cheapest page a Django project can serve."""
