"""Forms of the content pages: vendor pages, media uploads and alt text, the theme editor.

They run inside the vendor's scope (the tenant guard admits the request first), so every
queryset below holds the vendor's own rows only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from modules.cms.models import Media, VendorPage
from modules.cms.services import media as media_service
from modules.cms.services import theme as theme_service


class VendorPageForm(forms.ModelForm):
    class Meta:
        model = VendorPage
        fields = [
            "title",
            "slug",
            "body",
            "status",
            "show_in_nav",
            "nav_order",
            "seo_title",
            "seo_description",
        ]
        widgets = {  # noqa: RUF012 - Django's declaration style
            "body": forms.Textarea(attrs={"rows": 16, "class": "markdown-input"}),
            "status": forms.RadioSelect,
            "seo_description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].label = _("Address")
        self.fields["slug"].help_text = _(
            "The page's address: /pages/<slug>/. Letters, digits and hyphens; made from the "
            "title when left empty."
        )
        self.fields["body"].help_text = _(
            "Markdown: **bold**, *italic*, [a link](https://example.com), lists with -, "
            "headings with ##. HTML is cleaned: scripts and event handlers are removed."
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        slug = cleaned.get("slug") or slugify(cleaned.get("title") or "")[:100].strip("-")
        if not slug and "slug" not in self.errors:
            self.add_error("slug", _("Enter an address for the page."))
            return cleaned
        cleaned["slug"] = slug
        self.instance.slug = slug
        # The vendor's pages only (the form runs in the vendor's scope).
        clash = VendorPage.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if slug and clash.exists():
            self.add_error(
                "slug",
                _("Another page of your shop already has the address “%(slug)s”.") % {"slug": slug},
            )
        return cleaned


class MediaUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Image"),
        help_text=_("JPEG, PNG, WebP or GIF."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    alt_text = forms.CharField(
        label=_("Alternative text"),
        max_length=250,
        required=False,
        help_text=_("What the image shows, for people who cannot see it."),
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.processed: media_service.ProcessedImage | None = None

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            self.processed = media_service.process_image(upload, max_bytes=self.max_bytes)
        except media_service.UploadRefused as refusal:
            raise forms.ValidationError(str(refusal), code="refused") from refusal
        return upload


class MediaAltForm(forms.ModelForm):
    class Meta:
        model = Media
        fields = ["alt_text"]


def _colour_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=9,
        widget=forms.ColorInput(attrs={"class": "colour-input"}),
    )


class PresetSelect(forms.RadioSelect):
    """Radio buttons carrying each preset's colours (``data-…``) for the live preview."""

    option_template_name = "cms/widgets/preset_option.html"

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        preset = theme_service.PRESETS.get(value)
        if preset is not None:
            option["attrs"].update({f"data-{k}": v for k, v in preset.colours().items()})
        return option


class FontSelect(forms.Select):
    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        font = theme_service.FONTS.get(value)
        if font is not None:
            option["attrs"]["data-stack"] = font.stack
        return option


class LogoSelect(forms.Select):
    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        media = getattr(value, "instance", None)
        if media is not None:
            option["attrs"]["data-url"] = media.thumbnail_url(480)
        return option


class ThemeForm(forms.Form):
    preset = forms.ChoiceField(label=_("Colour scheme"), widget=PresetSelect)
    primary = _colour_field(_("Main colour"))
    accent = _colour_field(_("Accent colour"))
    background = _colour_field(_("Background"))
    text = _colour_field(_("Text"))
    font = forms.ChoiceField(label=_("Font"), widget=FontSelect)
    logo = forms.ModelChoiceField(
        label=_("Logo"),
        queryset=Media.objects.none(),
        required=False,
        empty_label=_("No logo: the shop's name"),
        widget=LogoSelect,
        help_text=_("An image of your media library."),
    )
    # Which preset the colour fields were filled from (the page's script keeps it current).
    colours_from = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, theme: theme_service.Theme, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "preset": theme.preset,
                "font": theme.font,
                "logo": theme.logo,
                "colours_from": theme.preset,
                **{k: theme_service.normalise(v)[:7] for k, v in theme.colours().items()},
            },
        )
        super().__init__(*args, **kwargs)
        self.current = theme
        self.fields["preset"].choices = [(p.code, p.label) for p in theme_service.PRESETS.values()]
        self.fields["font"].choices = [(f.code, f.label) for f in theme_service.FONTS.values()]
        self.fields["logo"].queryset = Media.objects.order_by("-created_at", "-pk")

    def _clean_colour(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if not theme_service.is_colour(value):
            raise forms.ValidationError(
                _("Enter a colour as # and six hex digits, such as #0b5fff."), code="colour"
            )
        return theme_service.normalise(value)

    def clean_primary(self) -> str:
        return self._clean_colour("primary")

    def clean_accent(self) -> str:
        return self._clean_colour("accent")

    def clean_background(self) -> str:
        return self._clean_colour("background")

    def clean_text(self) -> str:
        return self._clean_colour("text")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        preset, source = cleaned.get("preset"), cleaned.get("colours_from")
        colours = {k: cleaned.get(k) for k in theme_service.COLOUR_KEYS}
        # A new scheme chosen without touching the colours (no script to fill them in): the
        # colours follow the scheme. Colours changed by hand stay as they are.
        if preset and source != preset and source in theme_service.PRESETS:
            untouched = theme_service.PRESETS[source].colours()
            if all(colours[k] == untouched[k] for k in colours):
                cleaned.update(theme_service.PRESETS[preset].colours())
        return cleaned

    def cleaned_theme(self) -> theme_service.Theme:
        """The theme the valid form describes."""
        data = self.cleaned_data
        logo = data.get("logo")
        return theme_service.Theme(
            preset=data["preset"],
            font=data["font"],
            logo=logo.pk if logo is not None else None,
            **{k: data[k] for k in theme_service.COLOUR_KEYS},
        )
