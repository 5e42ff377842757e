"""The Analytics module: sales and traffic reports for vendors and staff."""
