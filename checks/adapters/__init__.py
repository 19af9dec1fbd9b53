"""Adapters: the only way checks reach an implementation."""
from .article import ArticleAdapter, MissingName
from .base import Adapter

__all__ = ['Adapter', 'ArticleAdapter', 'MissingName']
