"""factory-boy factories for the CMS's models."""

from __future__ import annotations

import factory

from modules.cms.models import Page
from orion_core.testing import PlatformFactory


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    platform = factory.SubFactory(PlatformFactory)
    slug = factory.Sequence(lambda n: f"page-{n}")
    title = factory.LazyAttribute(lambda p: p.slug.replace("-", " ").title())
    body = "<p>Hello.</p>"
    is_published = True
