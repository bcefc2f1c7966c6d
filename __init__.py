"""geokg: news facts about alliances, rifts and mediation as a queryable, browsable knowledge graph."""

__version__ = "0.1.0"
