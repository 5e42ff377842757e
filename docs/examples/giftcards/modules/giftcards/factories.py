"""factory-boy factories for Giftcards's models (used by its tests and demo data).

Rows are created outside any vendor scope, so tests can set up several vendors' data. The vendor
comes from tenancy's factory by dotted path: this module imports no other module's code.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.giftcards.models import GiftCard


class GiftCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GiftCard

    vendor = factory.SubFactory("modules.tenancy.factories.VendorFactory")
    code = factory.Sequence(lambda n: f"GC-{n:04d}")
    balance = Decimal("25.00")
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)
