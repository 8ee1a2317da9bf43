"""postlingo: blog posts → sentences → gettext catalogs → localized HTML."""

__version__ = "0.1.0"
