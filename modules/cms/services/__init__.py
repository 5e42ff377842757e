"""The content module's services, one job per file:

- ``rendering``: Markdown and HTML to sanitised HTML (Markdown, then nh3 with an allow-list);
- ``pages``: platform pages and vendor pages: saving, publishing, cached reads;
- ``media``: uploads checked by Pillow, thumbnails, where a file is used, deleting;
- ``theme``: presets, fonts, colours, the theme stylesheet, saving a vendor's theme;
- ``storefront``: what the storefront and the landing page read on every request (cached);
- ``cache``: the shared-cache scopes and the receivers that make them stale;
- ``demo``: demo content for ``manage.py seed_demo``.

Importing the package connects the receivers (``CmsConfig.ready``).
"""

from modules.cms.services import cache, media  # noqa: F401 - connect the receivers
from modules.cms.services.cache import CMS_SCOPE
from modules.cms.services.pages import PublishedPage, published_page, render_body

__all__ = ["CMS_SCOPE", "PublishedPage", "published_page", "render_body"]
