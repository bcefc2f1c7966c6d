"""The lexicon of relations and events: verb and noun patterns over sentences whose actor mentions are
replaced by placeholders (⟨3⟩), each mapped to our predicates and event types with a CAMEO code."""

import re
from dataclasses import dataclass, field

from geokg.loaders.extract.mentions import LEADER_ROLES, Mention

M = r"⟨\d+⟩"
W = r"(?:[\w'’-]+ )"  # one ordinary word
# One actor, possibly with a compound modifier that names another ("⟨3⟩-dominated ⟨4⟩").
E = rf"(?:{M}-[a-z]+ )?{M}"
# A coordinated list of actors: "⟨1⟩, ⟨2⟩ and ⟨3⟩".
G = rf"{E}(?:(?:,? and |, ){E})*"
AXIS = rf"(?:(?:{M}-[a-z]+ |anti-{M} )?(?:{W}{{0,2}})?(?:axis|alliance|bloc|coalition))"
MODAL = re.compile(r"\b(must|should|would|could|will|may|might|to|wants? to|hopes? to|seeks? to|plans? to)\b")
NEGATION = re.compile(r"\b(not|never|no longer|n't|denied|denies|refused|refuses)\b")
PLANNED = re.compile(r"\b(?:must|should|would|could|will|may|might|to|plans?|planned|propos\w*|seeks?|sought|wants?|"
                     r"hopes?|calls? for|called for|offer\w*|expect\w*|said|says|possible|no)\b")
ALLEGATION = re.compile(r"\b(accus\w*|alleg\w*|suspected|purported\w*)\b")
MEMBER_ROLES = ("official", "minister", "ambassador", "envoy", "spokesman", "spokeswoman", "spokesperson", "adviser",
                "advisor", "diplomat", "negotiator", "representative", "member", "deputy", "senator", "governor",
                "commander", "officer", "lawmaker", "mp", "high commissioner", "commissioner", "consul")
TITLES = "|".join(sorted({r.replace(" ", r"[ -]") for r in LEADER_ROLES + MEMBER_ROLES}, key=len, reverse=True))


@dataclass
class Fact:
    """A relation or event found in one sentence, before names are written out."""

    kind: str  # "relation" or "event"
    label: str  # predicate or event type
    subject: list = field(default_factory=list)
    objects: list = field(default_factory=list)
    role: str | None = None
    status: str | None = None
    place: str | None = None
    time_field: str | None = "date"  # which field the sentence's date fills: date, start, end, or none
    cameo: str | None = None
    confidence: float = 0.7


@dataclass
class Abstract:
    """A sentence with its mentions replaced by numbered placeholders."""

    text: str
    mentions: list[Mention]

    def actors(self, group: str | None) -> list:
        """The actors a placeholder group stands for, in order, without repeats; modifiers are left out."""
        out = []
        for number in re.findall(r"⟨(\d+)⟩(?!-[a-z])", group or ""):
            mention = self.mentions[int(number)]
            for actor in mention.group or [mention.actor]:
                if actor is not None and actor not in out:
                    out.append(actor)
        return out

    def mention(self, group: str | None) -> Mention | None:
        numbers = re.findall(r"⟨(\d+)⟩", group or "")
        return self.mentions[int(numbers[0])] if numbers else None


_SPACE = re.compile(r"\s+")
_QUOTED = re.compile(r"['‘’\"“”\[\(] ?(⟨\d+⟩) ?['‘’\"“”\]\)]")
_THE = re.compile(r"\bthe (?=⟨)")
_HYPHEN_BEFORE = re.compile(r"(?:(?<=⟩) ?)?- (?=⟨)|(?<=⟩) -(?=⟨)")
_HYPHEN_AFTER = re.compile(r"(?<=⟩) -(?=[a-z])")
_PUNCT = re.compile(r" ([,.;:])")
_POSSESSIVE = re.compile(r"(⟨\d+⟩) '?s\b")
_DESCRIPTOR = re.compile(r"\s+(?:[a-z-]+\s+){1,3}")


def abstract(body: str, sentence, mentions: list[Mention]) -> Abstract:
    """The sentence in lower case with each mention as ⟨i⟩; "the" and quotes around mentions dropped."""
    parts, cursor, kept = [], sentence.start, []
    for k, m in enumerate(mentions):
        if m.start < cursor:
            continue
        following = mentions[k + 1] if k + 1 < len(mentions) else None
        if m.role == "demonym" and following and _DESCRIPTOR.fullmatch(body, m.end, following.start):
            # "Palestinian militant group Hamas": the descriptor belongs to the name that follows.
            parts.append(body[cursor:m.start].lower())
            cursor = following.start
            continue
        parts.append(body[cursor:m.start].lower())
        parts.append(f" ⟨{len(kept)}⟩ ")
        kept.append(m)
        cursor = m.end
    parts.append(body[cursor:sentence.end].lower())
    text = _SPACE.sub(" ", "".join(parts)).lower()
    # Each clean-up runs only when its trigger is in the sentence: this is the extractor's hot path.
    if any(q in text for q in "'‘’\"“”[("):
        text = _QUOTED.sub(r"\1", text)
    if "the ⟨" in text:
        text = _THE.sub("", text)
    if "-" in text:
        text = _HYPHEN_AFTER.sub("-", _HYPHEN_BEFORE.sub("-", text))
    if " ," in text or " ." in text or " ;" in text or " :" in text:
        text = _PUNCT.sub(r"\1", text)
    if "⟩ '" in text or "⟩ s" in text:
        text = _POSSESSIVE.sub(r"\1's", text)
    return Abstract(text.strip(), kept)


RULES = []


def rule(pattern: str, *cues: str):
    """Register a pattern, the words one of which a sentence must contain for it to apply, and its handler."""
    regex = re.compile(pattern)

    def register(fn):
        RULES.append((regex, frozenset(cues), fn))
        return fn
    return register


def _status(clause: str) -> str | None:
    if ALLEGATION.search(clause):
        return "alleged"
    if NEGATION.search(clause):
        return "negated"
    return None


def typed(actors, *types):
    return [a for a in actors if a.type in types]


PARTIES = ("State", "Organization", "ArmedGroup", "PoliticalParty", "Alliance", "Person")


@rule(rf"(?P<a>{G}) (?:together )?(?:form|formed|forms|make up|made up|comprise|constitute)s? (?P<x>{M})", 'form', 'make up', 'made up', 'compris', 'constitut')
def _form_alliance(m, ab, ctx):
    alliance = typed(ab.actors(m["x"]), "Alliance", "Organization")
    return [Fact("relation", "memberOf", [a], alliance, confidence=0.8)
            for a in typed(ab.actors(m["a"]), *PARTIES) if alliance]


@rule(rf"(?P<x>{M}) (?:now )?(?:groups|grouped|comprises|comprised|brings together|brought together|unites|united|"
      rf"is made up of|was made up of|consists of|consisted of) (?P<a>{G})", 'group', 'compris', 'together', 'unite', 'made up', 'consist')
def _groups(m, ab, ctx):
    # The parser reads 'X groups A, B and C' as a noun compound as often as a verb: the word order decides.
    body = typed(ab.actors(m["x"]), "Alliance", "Organization")
    return [Fact("relation", "memberOf", [a], body, time_field=None, confidence=0.7)
            for a in typed(ab.actors(m["a"]), "State")] if body else []


@rule(rf"(?P<a>{M}) (?:is|was|are|were|remains?|became|becomes) (?:so far )?(?:still )?(?:the only |a |an |one of the |the )?"
      rf"(?:{W}{{0,2}})?(?:member|members|member state|founding member)s?\b(?: of (?P<x>{M}))?", 'member')
def _member(m, ab, ctx):
    target = ab.actors(m["x"]) or ([ctx.main_alliance] if ctx.main_alliance else [])
    return [Fact("relation", "memberOf", ab.actors(m["a"]), target, confidence=0.6)] if target else []


@rule(rf"(?P<a>{G})(?:'s)?(?: {W}{{0,2}}?)? (?:formally |officially )?(?:applied|apply|applies|applying|"
      rf"submitted {W}?applications?|filed {W}?applications?|bid) (?:for membership|to join)(?: (?:in|of) )?(?: ?(?P<x>{M}))?", 'appl', 'bid')
def _apply(m, ab, ctx):
    target = typed(ab.actors(m["x"]), "Alliance", "Organization") or (
        [ctx.main_alliance] if ctx.main_alliance else [])
    applicants = typed(ab.actors(m["a"]), "State", "Organization", "ArmedGroup", "PoliticalParty")
    return [Fact("event", "MembershipApplication", applicants + target, cameo="022", confidence=0.8)] if applicants else []


@rule(rf"(?P<a>{G}) (?:has |have |had )?(?:since )?(?:moved away from|left|quit|withdrew from|withdrawn from|"
      rf"pulled out of|exited|broke away from|abandoned|turned its back on) (?:{AXIS}|(?P<x>{M}))", 'away', 'left', 'quit', 'withdr', 'pulled', 'exited', 'abandon', 'back on')
def _leave(m, ab, ctx):
    target = typed(ab.actors(m["x"]), "Alliance") if m["x"] else ([ctx.main_alliance] if ctx.main_alliance else [])
    return [Fact("relation", "leftAlliance", [a], target, confidence=0.7) for a in ab.actors(m["a"])] if target else []


@rule(rf"(?P<a>{M})-(?:led|headed|dominated|controlled|run) (?:(?P<x>{M})|(?:{W}{{0,2}})?(?:axis|alliance|bloc|coalition))", '-led', '-headed', '-dominated', '-controlled', '-run')
def _led(m, ab, ctx):
    target = ab.actors(m["x"]) or ([ctx.main_alliance] if ctx.main_alliance else [])
    return [Fact("relation", "leaderOf", ab.actors(m["a"]), target, confidence=0.6)] if target else []


@rule(rf"anti-(?P<b>{M}) (?:{W}{{0,2}})?(?:axis|alliance|bloc|coalition|front)", 'anti-')
def _anti(m, ab, ctx):
    if not ctx.main_alliance:
        return []
    return [Fact("relation", "hostileTo", [ctx.main_alliance], ab.actors(m["b"]), confidence=0.6)]


@rule(rf"(?:rift|feud|dispute|tensions?|rivalry|enmity|hostilit(?:y|ies)|conflict|war|fall(?:ing)? ?out) between (?P<a>{M}) and (?P<b>{M})", ' between ')
def _rift(m, ab, ctx):
    return [Fact("relation", "hostileTo", ab.actors(m["a"]), ab.actors(m["b"]), confidence=0.75)]


@rule(rf"(?P<a>{G}) (?:{W}{{0,2}})?(?:severed|severs|cut|cuts|broke off|break off|broken off|suspended|suspends|"
      rf"downgraded|ended) (?:{W}{{0,3}})?(?:ties|relations|contacts) with (?P<b>{G})", 'ties', 'relations', 'contacts')
def _rupture(m, ab, ctx):
    a, b = ab.actors(m["a"]), ab.actors(m["b"])
    facts = [Fact("relation", "hostileTo", [x], b, confidence=0.8) for x in a]
    return facts + [Fact("event", "DiplomaticRupture", a + b, cameo="161", confidence=0.85)]


@rule(rf"(?P<a>{M})'s (?:{W}{{0,2}})?(?:war|offensive|invasion|aggression|attacks?|campaign) (?:on|against|in) (?P<b>{M})", 'war', 'offensive', 'invasion', 'aggression', 'attack', 'campaign')
def _war(m, ab, ctx):
    b = typed(ab.actors(m["b"]), *PARTIES)
    return [Fact("relation", "hostileTo", ab.actors(m["a"]), b, cameo="190", confidence=0.7)] if b else []


@rule(rf"(?P<a>{M}) (?:{W}{{0,3}})?(?:renewed|reiterated|voiced|repeated|raised|maintained|dropped|lifted) "
      rf"(?:its |their |his |her )?(?:objections?|opposition|veto) (?:to|against) (?P<b>{G})", 'objection', 'opposition', 'veto')
def _objection(m, ab, ctx):
    negated = "dropped" in m.group(0) or "lifted" in m.group(0)
    facts = [] if negated else [Fact("relation", "hostileTo", ab.actors(m["a"]), [b], confidence=0.6)
                                for b in ab.actors(m["b"])]
    return facts + [Fact("event", "Statement", ab.actors(m["a"]), cameo="111", confidence=0.6)]


@rule(rf"(?P<a>{M})(?:'s| (?:{W}{{1,3}}?)?(?:its|their))(?: {W}{{0,2}}?)? support (?:of|for|to|behind) (?P<b>{G})", 'support')
def _support_noun(m, ab, ctx):
    return [Fact("relation", "supports", ab.actors(m["a"]), [b], status=_status(m.group(0)), cameo="070",
                 confidence=0.7) for b in typed(ab.actors(m["b"]), *PARTIES)]


@rule(rf"(?P<a>{M}) (?:{W}{{0,2}})?(?:backs|backed|supports|supported|supporting|arms|armed|funds|funded|"
      rf"sponsors|sponsored|bankrolls|finances|financed) (?:{W}{{0,5}}?)(?P<b>{G})", 'back', 'support', 'arm', 'fund', 'sponsor', 'bankroll', 'financ')
def _support_verb(m, ab, ctx):
    clause = ctx.abstract.text[max(0, m.start() - 40):m.end()]
    status = _status(clause)
    return [Fact("relation", "supports", ab.actors(m["a"]), [b], status=status, cameo="070", confidence=0.65)
            for b in typed(ab.actors(m["b"]), *PARTIES)]


@rule(rf"accus\w* (?P<a>{M}) of (?:{W}{{0,2}}?)(?:supporting|backing|providing support to|arming|funding|harbou?ring|"
      rf"sponsoring|aiding|helping) (?:what it described as |what they called )?(?P<b>{G})", 'accus')
def _accused_support(m, ab, ctx):
    return [Fact("relation", "supports", ab.actors(m["a"]), [b], status="alleged", cameo="112", confidence=0.7)
            for b in typed(ab.actors(m["b"]), *PARTIES)]


@rule(rf"(?P<a>{M}) and (?P<b>{M}) (?:{W}{{0,4}})?(?:statements?|declarations?|pledges?|expressions?) of mutual support", 'mutual')
def _mutual(m, ab, ctx):
    a, b = ab.actors(m["a"]), ab.actors(m["b"])
    return [Fact("relation", "supports", a, b, cameo="051", confidence=0.7),
            Fact("relation", "supports", b, a, cameo="051", confidence=0.7),
            Fact("event", "Statement", a + b, cameo="051", confidence=0.7)]


@rule(rf"(?P<a>{G})(?:,? and (?:some |other |several )?[^⟨]{{0,20}}?(?:{M})?[^⟨]{{0,30}}?)? (?:have |had |has )?(?:fought|fighting|fight|"
      rf"battled|stood) (?:side-by-side|side by side|alongside each other|together|shoulder to shoulder)", 'side', 'alongside', 'together', 'shoulder')
def _fought_together(m, ab, ctx):
    actors = typed(ab.actors(m["a"]), "State", "ArmedGroup", "Organization", "PoliticalParty")
    return [Fact("relation", "alliedWith", [x], [y], cameo="050", confidence=0.7)
            for i, x in enumerate(actors) for y in actors[i + 1:]]


@rule(rf"(?P<a>{M})(?:'s|, (?:a |an |the )?)(?:close |key |main |regional |staunch |longtime )?(?:ally|allies|partner)"
      rf"(?: of)? (?P<b>{G})", 'ally', 'allies', 'partner')
def _ally(m, ab, ctx):
    return [Fact("relation", "alliedWith", ab.actors(m["a"]), [b], cameo="050", confidence=0.6)
            for b in typed(ab.actors(m["b"]), *PARTIES)]


@rule(rf"(?P<a>{G}) (?P<mid>(?:{W}{{0,3}}))(?:improving|improved|improves|improve|restored|restoring|restores|restore|"
      rf"normali[sz]ed|normali[sz]ing|normali[sz]e|mended|mending|mend|repaired|repairing|repair|patched up|"
      rf"re-established|reestablished) "
      rf"(?:{W}{{0,2}})?(?:relations|ties|relationship) with (?P<b>{G})", 'relations', 'ties', 'relationship')
def _reconcile(m, ab, ctx):
    if MODAL.search(m["mid"] or ""):
        return []
    facts = [Fact("relation", "reconciledWith", [a], [b], cameo="054", confidence=0.65)
             for a in ab.actors(m["a"]) for b in typed(ab.actors(m["b"]), *PARTIES)]
    if re.search(r"restored|normali[sz]ed|re-?established", m.group(0)):
        facts.append(Fact("event", "DiplomaticRestoration", ab.actors(m["a"]) + ab.actors(m["b"]), cameo="054"))
    return facts


@rule(rf"(?:(?P<a>{M}) (?:{W}{{0,4}}?))?(?:reconcile|mediate between|mediating between|mediated between|broker {W}{{0,2}}between|"
      rf"patch up {W}{{0,2}}between|end {W}?rift between|bring together) (?P<b>{M}) and (?P<c>{M})", 'reconcile', 'mediat', 'broker', 'patch up', 'rift', 'bring together')
def _mediate(m, ab, ctx):
    mediator = ab.actors(m["a"])
    parties = ab.actors(m["b"]) + ab.actors(m["c"])
    facts = [Fact("event", "Mediation", mediator + parties, cameo="039" if "offer" in m.group(0) else "045",
                  confidence=0.8)]
    if mediator:
        facts.append(Fact("relation", "mediatesBetween", mediator, parties, cameo="045", confidence=0.85))
    return facts


@rule(rf"(?P<a>{G}) [^⟨]{{0,120}}?\b(?:met|meets|meeting) (?:with )?(?P<b>{G})", 'met', 'meet')
def _meet(m, ab, ctx):
    if m.group(0).endswith(("meeting " + m["b"], "meeting with " + m["b"])) and PLANNED.search(m.group(0)):
        return []   # "X plans / will hold / said a meeting with Y": a meeting not (yet) held
    a = typed(ab.actors(m["a"]), *PARTIES)
    b = typed(ab.actors(m["b"]), *PARTIES)
    titled = re.match(rf"(?P<s>'s)? (?:{W}{{1,3}}?)(?P<p>{M})", ctx.abstract.text[m.end():])
    if titled and (ab.mention(m["b"]).role in ("affiliation", "demonym")
                   or titled["s"] and re.search(rf"\b(?:{TITLES})\b", titled.group(0))):
        # "met Swedish Prime Minister Ulf Kristersson", "met Chile's foreign minister Ana Ruiz": the person,
        # not the state named for the post, is who was met.
        b = typed(ab.actors(titled["p"]), "Person") or b
    if not a or not b:
        return []
    place = re.search(rf"(?:visiting|in|at) (?P<p>{M})", ctx.abstract.text[m.end():])
    where = ab.mention(place["p"]) if place else None
    fact = Fact("event", "Meeting", a + b, cameo="040", confidence=0.8)
    fact.place = where.text if where else None
    return [fact]


@rule(rf"(?:election|appointment|selection|re-election|nomination|choice) of (?P<p>{M}) as (?P<role>[^,.;]{{1,40}}?)"
      rf"(?=,|\.|;| with| in| and| was| is| has| had|$)", ' of ')
def _election(m, ab, ctx):
    person = typed(ab.actors(m["p"]), "Person")
    if not person:
        return []
    org = next((a for a in ctx.sentence_actors if a.type in ("ArmedGroup", "Organization", "PoliticalParty",
                                                                "Alliance", "State") and a not in person), None)
    role = re.sub(r"⟨(\d+)⟩", lambda g: ab.mentions[int(g.group(1))].text, m["role"]).strip()
    facts = [Fact("event", "Election", person + ([org] if org else []), confidence=0.8)]
    if org and re.search(r"chief|leader|president|head|chairman|chair|secretary|speaker|director|commander", role):
        facts.append(Fact("relation", "leaderOf", person, [org], role=role, time_field="start", confidence=0.75))
    return facts


@rule(r"(?:inauguration|swearing-in|sworn in|investiture)(?P<p>[^.;]{0,60})", 'inaugura', 'swearing', 'sworn', 'investiture')
def _inauguration(m, ab, ctx):
    person = typed(ab.actors(m["p"]), "Person")[:1]
    return [Fact("event", "Inauguration", person, confidence=0.75)] if person else []


@rule(rf"(?P<a>{M}) (?:{W}{{0,2}})?(?:moved|relocated|shifted|transferred|moving|relocating) (?:its|their|his|her) "
      rf"(?:headquarters|base|offices?|leadership|seat) (?P<dir>out of|from|to|away from) (?P<p>{M})", 'headquarters', 'base', 'office', 'leadership', 'seat')
def _relocation(m, ab, ctx):
    place = ab.mention(m["p"])
    name = place.place_name or place.text
    leaving = m["dir"] != "to"
    relation = Fact("relation", "headquarteredIn", ab.actors(m["a"]), [("place", name)],
                    time_field="end" if leaving else "start", confidence=0.8)
    event = Fact("event", "Relocation", ab.actors(m["a"]), confidence=0.85)
    event.place = name
    return [relation, event]


@rule(rf"(?P<a>{M})[^⟨]{{0,30}}?(?:headquartered|based) in (?P<p>{M})", 'headquartered', 'based')
def _based(m, ab, ctx):
    place = ab.mention(m["p"])
    subject = typed(ab.actors(m["a"]), "Organization", "ArmedGroup", "PoliticalParty", "Media", "Alliance")
    return [Fact("relation", "headquarteredIn", subject, [("place", place.place_name or place.text)],
                 confidence=0.6)] if subject else []


@rule(rf"(?:(?P<a>{G}) )?(?:{W}{{0,4}}?)(?:imposed|announced|slapped|placed|declared|ordered|tightened) (?:{W}{{0,3}}?)"
      rf"(?:sanctions|embargo|blockade|closure|ban|boycott)s? (?:{W}{{0,3}}?)(?:on|against|with|of) (?P<b>{G})", 'sanction', 'embargo', 'blockade', 'closure', 'ban', 'boycott')
def _sanction(m, ab, ctx):
    return [Fact("event", "Sanction", ab.actors(m["a"]) + ab.actors(m["b"]), cameo="163", confidence=0.7)]


@rule(rf"(?P<a>{M}) [^⟨]{{0,80}}?(?:pouring in|poured in|pours in|sent|sending|sends|deployed|deploying|deploys|"
      rf"dispatched) (?:thousands of |hundreds of |more )?(?:{M} )?(?:[\w-]+ ){{0,3}}?(?:fighters|troops|soldiers|militiamen|"
      rf"forces|warplanes|jets)", 'fighters', 'troops', 'soldiers', 'militiamen', 'forces', 'warplanes', 'jets')
def _military(m, ab, ctx):
    actors = typed(ctx.sentence_actors[:1] + ab.actors(m.group(0)), "State", "ArmedGroup")
    return [Fact("event", "MilitaryAction", list(dict.fromkeys(actors)), cameo="190", confidence=0.6)] if actors else []


@rule(rf"(?P<a>{M}) (?:{W}{{0,2}})?(?:voiced|expressed|voices|expresses) (?:{W}{{0,1}})?(?:optimism|concern|hope|"
      rf"confidence|support|opposition|regret|anger|alarm)", 'voice', 'express')
def _voiced(m, ab, ctx):
    code = "013" if "optimism" in m.group(0) or "hope" in m.group(0) else "010"
    return [Fact("event", "Statement", ab.actors(m["a"]), cameo=code, confidence=0.7)]


@rule(rf"(?:remarks|comments|statement|speech|address) (?:{W}{{0,3}})?by (?:{W}{{0,3}})?(?P<a>{M})", 'remarks', 'comments', 'statement', 'speech', 'address')
def _remarks(m, ab, ctx):
    return [Fact("event", "Statement", ab.actors(m["a"]), cameo="010", confidence=0.65)]


@rule(rf"(?P<pre>(?:senior|top|deputy|former|acting) )?(?P<o>{M}) (?P<t>(?:(?:senior|top|deputy|former|acting|chief|vice|"
      rf"foreign|defen[cs]e|interior|prime) )*(?:{TITLES})) (?P<p>{M})")
def _title_before(m, ab, ctx):
    person = typed(ab.actors(m["p"]), "Person")
    org_mention = ab.mention(m["o"])
    org = [a for a in ab.actors(m["o"]) if a.type != "Person" and a.type != "Media"]
    if not person or not org or org_mention.locative:
        return []
    return [_role_fact(person, org, (m["pre"] or "") + m["t"])]


@rule(rf"(?P<t>(?:(?:senior|top|deputy|former|acting|chief|vice) )*(?:{TITLES})) of (?P<o>{M}),? (?P<p>{M})", ' of ')
def _title_of(m, ab, ctx):
    person = typed(ab.actors(m["p"]), "Person")
    org = [a for a in ab.actors(m["o"]) if a.type not in ("Person", "Media")]
    return [_role_fact(person, org, m["t"])] if person and org else []


@rule(rf"(?P<p>{M}), (?:the |a |an )?(?:senior |top |former )?(?P<o>{M}) (?P<t>(?:senior |top |deputy )?(?:{TITLES}))\b", ', ')
def _title_apposition(m, ab, ctx):
    person = typed(ab.actors(m["p"]), "Person")
    org_mention = ab.mention(m["o"])
    org = [a for a in ab.actors(m["o"]) if a.type not in ("Person", "Media")]
    if not person or not org or org_mention.role == "demonym":
        return []
    return [_role_fact(person, org, m["t"])]


def _role_fact(person, org, title) -> Fact:
    title = re.sub(r"\s+", " ", title).strip()
    core = re.sub(r"^(?:(?:senior|top|deputy|former|acting|vice) )+", "", title.lower())
    # "historic leader", "national security chief": the last words name the post; a deputy is no leader.
    leader = core.replace("-", " ") in LEADER_ROLES or core in LEADER_ROLES or any(
        core.endswith(" " + r) for r in LEADER_ROLES) and not re.search(r"\b(?:deputy|vice|assistant|opposition)\b", core)
    # A title holds when the article is written; the sentence's date belongs to the event it reports.
    return Fact("relation", "leaderOf" if leader else "memberOf", person, org, role=title, time_field=None,
                confidence=0.8)


@dataclass
class Context:
    """What rules may consult beyond their own match."""

    abstract: Abstract
    main_alliance: object
    sentence_actors: list
    quoted: bool


def facts_in(ab: Abstract, main_alliance, quoted: bool) -> list[Fact]:
    """Every fact the rules find in one abstracted sentence."""
    ctx = Context(ab, main_alliance, [a for m in ab.mentions if not m.locative for a in (m.group or [m.actor]) if a],
                  quoted)
    out = []
    if "⟨" not in ab.text:
        return out
    # One pass over every cue word, then a set test per rule: far fewer steps than testing each rule's
    # words against the sentence in turn.
    present = {cue for cue in _ALL_CUES if cue in ab.text}
    for regex, cues, fn in RULES:
        if cues and present.isdisjoint(cues):
            continue
        for match in regex.finditer(ab.text):
            negated = bool(NEGATION.search(match.group(0))) and not ALLEGATION.search(match.group(0))
            for fact in fn(match, ab, ctx):
                if negated and fact.kind == "event":
                    continue  # an event the sentence denies did not happen
                if negated and fact.status is None:
                    fact.status = "negated"
                if fact.subject or fact.kind == "event":
                    out.append(fact)
    return out


_ALL_CUES = sorted({cue for _, cues, _ in RULES for cue in cues})
