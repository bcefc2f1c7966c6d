"""Who a CAMEO country code names: ISO 3166 alpha-3 states (named and identified as in rigour's territory
table, which loaders/linking/offline.py reads too) and CAMEO's own region codes. The geo blocks' country codes
are FIPS 10-4 and are never looked up here."""

import functools
import json
from dataclasses import dataclass

# CAMEO codebook, appendix of country and region codes: the regions, which are no state.
REGIONS = {
    "AFR": "Africa", "ASA": "Asia", "BLK": "Balkans", "CAF": "Central Africa", "CAS": "Central Asia",
    "CEU": "Central Europe", "CRB": "Caribbean", "EAF": "East Africa", "EEU": "Eastern Europe",
    "EIN": "East Indies", "EUR": "Europe", "LAM": "Latin America", "MDT": "Mediterranean", "MEA": "Middle East",
    "NAF": "North Africa", "NMR": "North America", "PGS": "Persian Gulf", "SAF": "Southern Africa",
    "SAM": "South America", "SAS": "South Asia", "SCN": "Scandinavia", "SEA": "Southeast Asia",
    "WAF": "West Africa", "WST": "The West",
}
# CAMEO codes that differ from ISO alpha-3 for the same state.
CAMEO_ALIASES = {"ROM": "ROU", "TMP": "TLS", "ZAR": "COD", "KSV": "XKX"}


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    qid: str | None
    state: bool


@functools.lru_cache(maxsize=1)
def _states() -> dict[str, Country]:
    from rigour._core import territories_jsonl

    found = {}
    for line in territories_jsonl().splitlines():
        if not line.strip():
            continue
        t = json.loads(line)
        code = (t.get("alpha3") or "").upper()
        if code and code not in found:
            found[code] = Country(code, t["name"], t.get("qid"), True)
    return found


def country(code: str) -> Country | None:
    """The state or region a CAMEO country code names, or None when the code is neither."""
    code = code.upper()
    if code in REGIONS:
        return Country(code, REGIONS[code], None, False)
    return _states().get(CAMEO_ALIASES.get(code, code))
