"""Named queries: one .rq file per question, with its title, description and parameters in a header."""

from geokg.queries.catalogue import NamedQuery, Param, bind, catalogue, get, paged, parse_rq, run, sparql_term, with_values

__all__ = ["NamedQuery", "Param", "bind", "catalogue", "get", "paged", "parse_rq", "run", "sparql_term", "with_values"]
