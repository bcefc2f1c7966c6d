"""GDELT event exports (1.0 with 57 or 58 columns, 2.0 with 61) and the 2.0 mentions table, plain or zipped,
mapped to our ontology: ``columns`` (the layouts), ``cameo`` (the code tables in data/ and their repairs),
``countries`` (CAMEO country and region codes), ``reading`` (rows with file, line and column), ``mapping``
(rows to N-Triples, pure) and ``bulk`` (a file streamed into a store, all of it or nothing)."""

from geokg.loaders.gdelt.bulk import GdeltLoaded, load_gdelt
from geokg.loaders.gdelt.reading import sniff

__all__ = ["GdeltLoaded", "load_gdelt", "sniff"]
