"""The Content module: pages and content blocks for platform and storefront sites."""
