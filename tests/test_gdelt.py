"""GDELT tables: detected by their columns (zipped or not, whatever their suffix), mapped to our ontology on the
real rows in tests/fixtures/gdelt, loaded all or nothing, and skipped when loaded already."""

import csv
import zipfile
from pathlib import Path

import pytest

from geokg.loaders.errors import LoadError
from geokg.loaders.gdelt import cameo, load_gdelt
from geokg.loaders.gdelt.columns import EVENTS_2_0, MENTIONS_2_0
from geokg.loaders.ids import Ids
from geokg.loaders.registry import format_for
from geokg.store import open_store

FIXTURES = Path(__file__).parent / "fixtures"
GDELT = FIXTURES / "gdelt"
EVENTS_2 = GDELT / "20191024143000.export.CSV"
EVENTS_1 = GDELT / "20160728.export.tsv"
MENTIONS = GDELT / "20170701234500.mentions.CSV"
GK = "https://w3id.org/geokg/ontology#"
BASE = "https://geokg.example.org"


@pytest.fixture
def empty():
    return open_store(None)


@pytest.fixture
def ids():
    return Ids(BASE)


def quads(store) -> set[str]:
    return set(store.dump("nquads").decode().splitlines())


def rows_of(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def write_rows(path: Path, rows) -> Path:
    path.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def select(store, sparql: str) -> list[dict]:
    return store.query(sparql).texts()


# --- layouts and detection ------------------------------------------------------------------------------------


def test_the_layouts_are_the_codebooks_columns():
    with open(GDELT / "GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv", encoding="utf-8") as handle:
        events = [row[0] for row in csv.reader(handle)][1:]
    with open(GDELT / "GDELT_2.0_eventMentions_Column_Labels_Header_Row_Sep2016.tsv", encoding="utf-8") as handle:
        # Its last row, "Add New Fields", is the codebook's placeholder for columns to come; real files have 16.
        mentions = [line.split("\t")[1] for line in handle.read().splitlines()[1:-1]]
    assert list(EVENTS_2_0.columns) == events
    assert list(MENTIONS_2_0.columns) == mentions


def test_formats_are_told_by_their_columns_whatever_the_name(tmp_path):
    assert format_for(EVENTS_2).name == "gdelt-2.0-events"
    assert format_for(EVENTS_1).name == "gdelt-1.0-events"
    assert format_for(MENTIONS).name == "gdelt-2.0-mentions"
    # Before April 2013, GDELT 1.0 files had no SOURCEURL: 57 columns.
    old = write_rows(tmp_path / "20130101.txt", [r[:57] for r in rows_of(EVENTS_1)])
    assert format_for(old).name == "gdelt-1.0-events"
    archive = tmp_path / "20191024143000.export.CSV.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(EVENTS_2, EVENTS_2.name)
    assert format_for(archive).name == "gdelt-2.0-events"
    # Claims files and articles are still read as before, and a CSV that is no GDELT table is still refused.
    assert format_for(FIXTURES / "claims" / "second-source.yaml").name == "claims"
    assert format_for(FIXTURES / "articles" / "sweden-joins-nato.txt").name == "article"
    other = tmp_path / "other.csv"
    other.write_text("a\tb\tc\n", encoding="utf-8")
    with pytest.raises(LoadError, match="no loader for '.csv'"):
        format_for(other)


def test_a_gdelt_file_is_not_parsed_as_one_article():
    with pytest.raises(LoadError, match="streamed"):
        format_for(EVENTS_2).parse(EVENTS_2.read_bytes(), str(EVENTS_2))


# --- the CAMEO tables' quirks ---------------------------------------------------------------------------------


def test_the_glued_row_of_the_event_codes_becomes_two_codes():
    codes = cameo.event_codes()
    assert codes["1056"].label == "Demand de-escalation of military engagement"
    assert (codes["106"].label, codes["106"].goldstein) == ("Demand withdrawal", -5.0)


def test_the_mis_encoded_label_is_repaired_and_every_code_has_a_score():
    codes = cameo.event_codes()
    assert codes["044"].label == "Meet at a \u201cthird\u201d location"
    assert not any("\u00d2" in c.label or "\u00d3" in c.label for c in codes.values())
    assert all(c.goldstein is not None for c in codes.values())
    assert len(codes) == 311  # 310 rows, one of which holds two codes


def test_a_row_coded_with_the_glued_code_loads(empty, ids, tmp_path):
    rows = rows_of(EVENTS_2)[:1]
    rows[0][26:29] = ["106", "106", "10"]
    load_gdelt(empty, write_rows(tmp_path / "x.export.CSV", rows), ids)
    found = select(empty, f"SELECT ?l ?g WHERE {{ ?e <{GK}cameoCode> '106' ; <{GK}goldstein> ?g ; "
                          "<http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    # The row's own Goldstein score is kept (-7.0, where the table gives -5.0).
    assert [(r["l"], float(r["g"])) for r in found] == [("Demand withdrawal", -7.0)]


# --- mapping --------------------------------------------------------------------------------------------------


def test_events_carry_their_cameo_codes_values_and_class(empty, ids):
    loaded = load_gdelt(empty, EVENTS_2, ids)
    assert loaded.rows == 20
    # Row 12: the Taliban (AFGTAL: known group TAL in Afghanistan) and the United States, code 190 (use
    # conventional military force).
    found = select(empty, f"""SELECT ?type ?base ?root ?quad ?g ?date ?src ?tgt ?url WHERE {{
      <{BASE}/id/event/gdelt/881991064> a ?type ; <{GK}cameoCode> "190" ; <{GK}cameoBaseCode> ?base ;
        <{GK}cameoRootCode> ?root ; <{GK}quadClass> ?quad ; <{GK}goldstein> ?g ; <{GK}date> ?date ;
        <{GK}sourceActor> ?src ; <{GK}targetActor> ?tgt ; <{GK}statedIn> ?a .
      ?a <https://schema.org/url> ?url }}""")
    row = [r for r in rows_of(EVENTS_2) if r[0] == "881991064"][0]
    assert found == [{"type": f"{GK}MilitaryAction", "base": row[27], "root": row[28], "quad": row[29],
                      "g": found[0]["g"], "date": f"{row[1][:4]}-{row[1][4:6]}-{row[1][6:]}",
                      "src": f"{BASE}/id/actor/taliban", "tgt": f"{BASE}/id/actor/united-states",
                      "url": row[60]}]
    assert float(found[0]["g"]) == float(row[30])
    classes = {r["t"] for r in select(empty, f"SELECT DISTINCT ?t WHERE {{ ?e <{GK}cameoCode> ?c ; a ?t }}")}
    assert classes == {f"{GK}Event", f"{GK}Meeting", f"{GK}MilitaryAction"}


def test_country_codes_are_states_with_their_wikidata_ids_and_regions_are_not(empty, ids):
    load_gdelt(empty, EVENTS_2, ids)
    usa = select(empty, f"SELECT ?t ?q WHERE {{ <{BASE}/id/actor/united-states> a ?t ; "
                        "<http://www.w3.org/2002/07/owl#sameAs> ?q }")
    assert usa == [{"t": f"{GK}State", "q": "http://www.wikidata.org/entity/Q30"}]
    africa = select(empty, f"SELECT ?t WHERE {{ <{BASE}/id/actor/africa> a ?t }}")
    assert africa == [{"t": f"{GK}Actor"}]


def test_geo_blocks_are_places_with_fips_codes_never_read_as_iso(empty, ids):
    load_gdelt(empty, EVENTS_2, ids)
    # FIPS GM is Germany (in ISO, the Gambia); the place joins the state DEU names, and only that state.
    germany = f"{BASE}/id/actor/germany"
    found = select(empty, f"""SELECT ?fips ?lat ?q WHERE {{ <{germany}> a <{GK}Place> ;
      <{GK}fipsCountryCode> ?fips ; <http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?lat ;
      <http://www.w3.org/2002/07/owl#sameAs> ?q }}""")
    assert [(r["fips"], r["q"]) for r in found] == [("GM", "http://www.wikidata.org/entity/Q183")]
    row = [r for r in rows_of(EVENTS_2) if r[52] == "Germany"][0]
    assert found[0]["lat"] == row[56]
    action = select(empty, f"SELECT ?e WHERE {{ ?e <{GK}place> <{germany}> }}")
    assert {r["e"].rsplit("/", 1)[1] for r in action} == {r[0] for r in rows_of(EVENTS_2) if r[52] == "Germany"}


def test_composite_and_known_group_actor_codes(empty, ids, tmp_path):
    row = rows_of(EVENTS_2)[0]
    composite, group = list(row), list(row)
    composite[0], group[0] = "1", "2"
    composite[5:15] = ["USAGOV", "WASHINGTON", "USA", "", "", "", "", "GOV", "", ""]
    group[5:15] = ["IGOEUREEC", "THE EU", "EUR", "EEC", "", "", "", "IGO", "", ""]
    load_gdelt(empty, write_rows(tmp_path / "x.export.CSV", [composite, group]), ids)
    found = select(empty, f"""SELECT ?e ?a ?label ?t ?country WHERE {{ ?e <{GK}sourceActor> ?a .
      ?a <http://www.w3.org/2000/01/rdf-schema#label> ?label ; a ?t . OPTIONAL {{ ?a <{GK}actorCountry> ?country }}
    }} ORDER BY ?e""")
    assert found == [
        {"e": f"{BASE}/id/event/gdelt/1", "a": f"{BASE}/id/actor/cameo-usagov", "label": "United States Government",
         "t": f"{GK}Organization", "country": f"{BASE}/id/actor/united-states"},
        {"e": f"{BASE}/id/event/gdelt/2", "a": f"{BASE}/id/actor/european-union", "label": "European Union",
         "t": f"{GK}Organization", "country": f"{BASE}/id/actor/europe"},
    ]


def test_a_state_the_store_knows_under_another_node_is_that_node(empty, ids):
    actors = ids.dataset_graph("actors")
    empty.update(f"INSERT DATA {{ GRAPH <{actors}> {{ <{BASE}/id/actor/the-u-s> "
                 "<http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q30> } }")
    load_gdelt(empty, EVENTS_2, ids)
    found = select(empty, f"SELECT DISTINCT ?a WHERE {{ <{BASE}/id/event/gdelt/881991064> <{GK}targetActor> ?a }}")
    assert found == [{"a": f"{BASE}/id/actor/the-u-s"}]
    assert not select(empty, f"SELECT ?p WHERE {{ <{BASE}/id/actor/united-states> ?p ?o }}")


def test_gdelt_1_rows_load_with_and_without_sourceurl(empty, ids, tmp_path):
    assert load_gdelt(empty, EVENTS_1, ids).rows == 20
    assert len(select(empty, f"SELECT DISTINCT ?e WHERE {{ ?e <{GK}statedIn> ?a }}")) == 20
    old = write_rows(tmp_path / "20130101.export.CSV", [[r[0] + "0"] + r[1:57] for r in rows_of(EVENTS_1)])
    assert load_gdelt(empty, old, ids).rows == 20
    assert len(select(empty, f"SELECT DISTINCT ?e WHERE {{ ?e <{GK}cameoCode> ?c }}")) == 40
    assert len(select(empty, f"SELECT DISTINCT ?e WHERE {{ ?e <{GK}statedIn> ?a }}")) == 20


def test_mentions_are_provenance_with_confidence(empty, ids):
    load_gdelt(empty, MENTIONS, ids)
    found = select(empty, f"""SELECT ?event ?url ?confidence ?sentence WHERE {{ ?m a <{GK}Mention> ;
      <{GK}mentionOf> ?event ; <{GK}statedIn> ?a ; <{GK}confidence> ?confidence ; <{GK}sentenceNumber> ?sentence .
      ?event <{GK}statedIn> ?a . ?a <https://schema.org/url> ?url }}""")
    expected = {(f"{BASE}/id/event/gdelt/{r[0]}", r[5], int(r[11]) / 100, r[6]) for r in rows_of(MENTIONS)}
    assert {(r["event"], r["url"], float(r["confidence"]), r["sentence"]) for r in found} == expected
    assert len(expected) == 10


def test_an_event_and_its_mentions_meet_on_the_article(empty, ids, tmp_path):
    event = rows_of(EVENTS_2)[0]
    mention = rows_of(MENTIONS)[0]
    mention[0], mention[5] = event[0], event[60]
    load_gdelt(empty, EVENTS_2, ids)
    load_gdelt(empty, write_rows(tmp_path / "x.mentions.CSV", [mention]), ids)
    found = select(empty, f"""SELECT DISTINCT ?a WHERE {{ ?m <{GK}mentionOf> <{BASE}/id/event/gdelt/{event[0]}> ;
      <{GK}statedIn> ?a . <{BASE}/id/event/gdelt/{event[0]}> <{GK}statedIn> ?a }}""")
    assert len(found) == 1


# --- bad input: file, line and column; nothing loaded --------------------------------------------------------


def _broken(tmp_path, name, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _lines() -> list[bytes]:
    return EVENTS_2.read_bytes().splitlines(keepends=True)


def _bad_inputs(tmp_path):
    lines = _lines()
    truncated = b"".join(lines[:14]) + lines[14][:200]
    extra = b"".join(lines[:9] + [lines[9].rstrip(b"\n") + b"\textra\n"] + lines[10:])
    unknown = list(lines)
    unknown[6] = unknown[6].replace(b"\t040\t040\t04\t", b"\t099\t099\t09\t")
    encoding = list(lines)
    encoding[16] = encoding[16].replace(b"\tAFR\t", b"\tAF\xe9R\t", 1)
    return [
        (_broken(tmp_path, "truncated.export.CSV", truncated), 15, "cut short", None),
        (_broken(tmp_path, "extra.export.CSV", extra), 10, "62 columns", "column 62"),
        (_broken(tmp_path, "unknown.export.CSV", b"".join(unknown)), 7, "unknown CAMEO event code '099'",
         "column 27 (EventCode)"),
        (_broken(tmp_path, "encoding.export.CSV", b"".join(encoding)), 17, "byte 0xe9 is not UTF-8",
         "column 6 (Actor1Code)"),
    ]


def test_each_bad_row_names_file_line_and_column_and_nothing_is_loaded(empty, ids, tmp_path):
    load_gdelt(empty, MENTIONS, ids)
    before = quads(empty)
    for path, line, message, column in _bad_inputs(tmp_path):
        # Parts of two rows: the bad row comes after parts were written, which must go again.
        with pytest.raises(LoadError) as caught:
            load_gdelt(empty, path, ids, part_triples=40)
        text = str(caught.value)
        assert f"{path}:{line}: " in text and message in text, text
        if column:
            assert column in text, text
        else:
            assert "column" in text, text
        assert quads(empty) == before, path.name


def test_the_truncated_row_names_the_column_it_stops_in(empty, ids, tmp_path):
    path, *_ = _bad_inputs(tmp_path)[0]
    values = _lines()[14][:200].decode().split("\t")
    with pytest.raises(LoadError, match=rf"column {len(values) + 1} \({EVENTS_2_0.columns[len(values)]}\)"):
        load_gdelt(empty, path, ids)


def test_a_bad_row_in_a_zipped_file_names_the_archive_and_member(empty, ids, tmp_path):
    path, *_ = _bad_inputs(tmp_path)[2]
    archive = tmp_path / "unknown.export.CSV.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(path, path.name)
    with pytest.raises(LoadError, match=r"unknown\.export\.CSV\.zip \(unknown\.export\.CSV\):7: column 27"):
        load_gdelt(empty, archive, ids)
    assert len(empty) == 0


# --- atomic per file, skipped when loaded -----------------------------------------------------------------------


def test_loading_the_same_file_again_is_skipped(empty, ids):
    first = load_gdelt(empty, EVENTS_2, ids, part_triples=100)
    assert len(first.parts) > 1
    before = quads(empty)
    again = load_gdelt(empty, EVENTS_2, ids)
    assert again.skipped and again.parts == first.parts
    assert quads(empty) == before


def test_a_changed_file_replaces_its_graphs_and_a_zipped_copy_is_the_same_file(empty, ids, tmp_path):
    path = tmp_path / EVENTS_2.name
    path.write_bytes(EVENTS_2.read_bytes())
    load_gdelt(empty, path, ids)
    write_rows(path, rows_of(EVENTS_2)[:3])
    load_gdelt(empty, path, ids)
    events = {r["e"] for r in select(empty, f"SELECT DISTINCT ?e WHERE {{ ?e <{GK}cameoCode> ?c }}")}
    assert events == {f"{BASE}/id/event/gdelt/{r[0]}" for r in rows_of(EVENTS_2)[:3]}
    archive = tmp_path / (EVENTS_2.name + ".zip")
    with zipfile.ZipFile(archive, "w") as z:
        z.write(EVENTS_2, EVENTS_2.name)
    loaded = load_gdelt(empty, archive, ids)
    assert loaded.graph == load_gdelt(empty, path, ids).graph
    assert len({r["e"] for r in select(empty, f"SELECT DISTINCT ?e WHERE {{ ?e <{GK}cameoCode> ?c }}")}) == 3


def test_parts_left_by_an_interrupted_load_are_dropped_before_the_next(empty, ids):
    def interrupt(rows):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_gdelt(empty, EVENTS_2, ids, progress=interrupt, part_triples=100)
    assert len(empty) == 0
    # A kill leaves no chance to drop them: a part no record names is a leftover.
    graph = load_gdelt(empty, EVENTS_1, ids).graph
    empty.update(f"INSERT DATA {{ GRAPH <{graph}/0123456789ab/1> {{ <urn:x> <urn:y> <urn:z> }} }}")
    empty.update(f"DELETE WHERE {{ GRAPH <{ids.dataset_graph('files')}> {{ <{graph}> ?p ?o }} }}")
    reloaded = load_gdelt(empty, EVENTS_1, ids)
    assert not reloaded.skipped
    assert [g for g in empty.graphs() if g.startswith(graph)] == reloaded.parts


def test_geokg_load_streams_gdelt_tables_beside_claims_files_and_skips_them_when_loaded(tmp_path, capsys):
    from geokg.server.app import sample_claims
    from geokg.server.cli import main

    table = EVENTS_2
    store = tmp_path / "store"
    assert main(["load", "--store", str(store), str(table), str(sample_claims()[0])]) == 0
    out = capsys.readouterr().out
    assert f"loaded {table}: 20 rows" in out and "000-iran-hamas-syria-axis" in out
    assert main(["load", "--store", str(store), str(table)]) == 0
    assert f"skipped {table}: already loaded with the same content" in capsys.readouterr().out
    graphs = open_store(store).graphs()
    assert any(g.endswith("/graph/000-iran-hamas-syria-axis") for g in graphs)
    assert any("/graph/gdelt-20191024143000-export-csv/" in g for g in graphs)


def test_geokg_load_of_a_bad_gdelt_table_is_one_line_and_loads_none_of_it(tmp_path, capsys):
    from geokg.server.cli import main

    rows = EVENTS_2.read_bytes().splitlines(keepends=True)
    bad = tmp_path / "20191024143000.export.CSV"
    bad.write_bytes(b"".join(rows[:5]) + b"\t".join(rows[5].split(b"\t")[:13]) + b"\n" + b"".join(rows[6:]))
    store = tmp_path / "store"
    assert main(["load", "--store", str(store), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:6: column 14" in err and "13 columns" in err and "nothing was loaded" in err
    assert not [g for g in open_store(store).graphs() if "gdelt" in g]
