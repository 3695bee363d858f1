"""Full-text search over items: the indexes (SQLite FTS5, PostgreSQL tsvector + GIN) and queries.

Two documents per item, both kept by database triggers on every insert, update and delete of an
item or a report (a merge's bulk move of reports included); nothing in Python has to remember:

- the search document, for `/feedback search`: summary, details and customer, plus the quote
  and customer of every report the item holds now (a merge moves reports, so it follows them);
- the open document, for the similar lookup at capture, only while the item is open: summary,
  details and a scope token naming workspace, status and team ("k<hex>k": hex keeps any key one
  token, the closing "k" keeps stemmers off it). It lives apart, so the lookup reads an index
  of open items only, small however many items are closed.

- SQLite: FTS5 tables `item_search` and `item_open_search` (rowid = item.id), tokenizer
  `porter unicode61 remove_diacritics 2`, ranked with bm25 (the summary weighs most).
- PostgreSQL: the column `item.search_vector` ('english' config; weights A summary, B details,
  C customer, D reports), set by a trigger (a generated column cannot read the reports), GIN
  index `ix_item_search`; the narrow table `item_open_search` (item_id, search_vector) with GIN
  index `ix_item_open_search`. Ranked with ts_rank.

Ranking costs per match, and a word that one item in ten holds matches 100,000 of a million:
SQLite ranks the newest RECENT_MATCHES matches, PostgreSQL first ranks the matches among the
newest RECENT_ITEMS items and reads the whole table only when those hold fewer than asked for.
Recent items first is what people searching a support queue look for.

The ORM model does not know these objects (SQLModel.metadata.create_all on SQLite must still
work): `create_search_schema` makes them, used by migration 0005 and the unit tier's in-memory
database. A SQLite batch migration that rebuilds `item` drops its triggers: call
`create_search_schema` again after it (it is idempotent).

User words never reach the query text: they are split into words here, and each word is quoted
(FTS5) or bound as a parameter (PostgreSQL), so FTS syntax (`OR`, `NEAR(`, `*`, quotes) is just
words. Stop words are dropped on both databases alike. None of these functions commit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from storage.models import Item
from storage.values import ItemStatus

# PostgreSQL's english stop words (tsearch_data/english.stop), dropped on both databases so a
# search means the same on each.
_STOP_WORDS_TEXT = """i me my myself we our ours ourselves you your yours yourself yourselves he him
    his himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do does
    did doing a an the and but if or because as until while of at by for with about against
    between into through during before after above below to from up down in out on off over
    under again further then once here there when where why how all any both each few more most
    other some such no nor not only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
MAX_SEARCH_WORDS = 8  # what a person types; more adds nothing but work
MAX_CANDIDATE_WORDS = 6  # the most telling words of a new item, for the similar lookup
MAX_WORD_CHARS = 40
RECENT_MATCHES = 2000  # SQLite ranks the newest this many matches (see _search_ids)
RECENT_ITEMS = 30_000  # PostgreSQL ranks matches among the newest this many items first
_WORD = re.compile(r"[^\W_]+")
# bm25 weights per FTS5 column: summary, details, customer, reports, scope
_BM25 = "bm25(item_search, 8.0, 2.0, 4.0, 1.0, 0.0)"
_BM25_OPEN = "bm25(item_open_search, 4.0, 1.0, 0.0)"  # summary, details, scope

# scope: "k<hex of workspace:status:team>k", what the similar lookup looks through; hex keeps any
# key one token, and the closing "k" keeps the porter stemmer off it.
_SQLITE_SCOPE = (
    "'k' || hex({alias}.slack_team_id || ':' || {alias}.status || ':' || {alias}.team_key) || 'k'"
)
_SQLITE_DOC = (
    """
    {alias}.id, {alias}.summary, {alias}.details, {alias}.customer,
    coalesce((SELECT group_concat(r.quote || ' ' || r.customer, ' ')
              FROM report r WHERE r.item_id = {alias}.id), ''),
    """
    + _SQLITE_SCOPE
)
_SQLITE_OPEN_DOC = "{alias}.id, {alias}.summary, {alias}.details, " + _SQLITE_SCOPE
_SQLITE_REPORTS_OF = """coalesce((SELECT group_concat(r.quote || ' ' || r.customer, ' ')
                 FROM report r WHERE r.item_id = {id}), '')"""

_SQLITE_DDL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS item_search USING fts5(
        summary, details, customer, reports, scope,
        tokenize = 'porter unicode61 remove_diacritics 2')""",
    # open items only, for the similar lookup: small however many items are closed
    """CREATE VIRTUAL TABLE IF NOT EXISTS item_open_search USING fts5(
        summary, details, scope, tokenize = 'porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER IF NOT EXISTS item_search_ai AFTER INSERT ON item BEGIN
        INSERT INTO item_search (rowid, summary, details, customer, reports, scope)
        SELECT {_SQLITE_DOC.format(alias="new")};
        INSERT INTO item_open_search (rowid, summary, details, scope)
        SELECT {_SQLITE_OPEN_DOC.format(alias="new")} WHERE new.status = 'open';
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS item_search_au
        AFTER UPDATE OF id, slack_team_id, summary, details, customer, status, team_key
        ON item BEGIN
        DELETE FROM item_search WHERE rowid = old.id;
        INSERT INTO item_search (rowid, summary, details, customer, reports, scope)
        SELECT {_SQLITE_DOC.format(alias="new")};
        DELETE FROM item_open_search WHERE rowid = old.id;
        INSERT INTO item_open_search (rowid, summary, details, scope)
        SELECT {_SQLITE_OPEN_DOC.format(alias="new")} WHERE new.status = 'open';
    END""",
    """CREATE TRIGGER IF NOT EXISTS item_search_ad AFTER DELETE ON item BEGIN
        DELETE FROM item_search WHERE rowid = old.id;
        DELETE FROM item_open_search WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS report_search_ai AFTER INSERT ON report BEGIN
        UPDATE item_search SET reports = {_SQLITE_REPORTS_OF.format(id="new.item_id")}
        WHERE rowid = new.item_id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS report_search_au
        AFTER UPDATE OF item_id, quote, customer ON report BEGIN
        UPDATE item_search SET reports = {_SQLITE_REPORTS_OF.format(id="old.item_id")}
        WHERE rowid = old.item_id;
        UPDATE item_search SET reports = {_SQLITE_REPORTS_OF.format(id="new.item_id")}
        WHERE rowid = new.item_id AND new.item_id <> old.item_id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS report_search_ad AFTER DELETE ON report BEGIN
        UPDATE item_search SET reports = {_SQLITE_REPORTS_OF.format(id="old.item_id")}
        WHERE rowid = old.item_id;
    END""",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS report_search_ad",
    "DROP TRIGGER IF EXISTS report_search_au",
    "DROP TRIGGER IF EXISTS report_search_ai",
    "DROP TRIGGER IF EXISTS item_search_ad",
    "DROP TRIGGER IF EXISTS item_search_au",
    "DROP TRIGGER IF EXISTS item_search_ai",
    "DROP TABLE IF EXISTS item_open_search",
    "DROP TABLE IF EXISTS item_search",
]

_PG_DOC = "frontline_item_document({p}id, {p}slack_team_id, {p}summary, {p}details, {p}customer, {p}status, {p}team_key)"
_PG_OPEN_DOC = (
    "frontline_open_document({p}slack_team_id, {p}summary, {p}details, {p}status, {p}team_key)"
)
_PG_DDL = [
    "ALTER TABLE item ADD COLUMN IF NOT EXISTS search_vector tsvector",
    """CREATE OR REPLACE FUNCTION frontline_item_document(
        p_id integer, p_team_id text, p_summary text, p_details text, p_customer text,
        p_status text, p_team_key text) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('english', coalesce(p_summary, '')), 'A')
            || setweight(to_tsvector('english', coalesce(p_details, '')), 'B')
            || setweight(to_tsvector('english', coalesce(p_customer, '')), 'C')
            || setweight(to_tsvector('english', coalesce(
                   (SELECT string_agg(r.quote || ' ' || r.customer, ' ' ORDER BY r.id)
                    FROM report r WHERE r.item_id = p_id), '')), 'D')
            || to_tsvector('simple',
                   'k' || encode(convert_to(
                       p_team_id || ':' || p_status || ':' || p_team_key, 'UTF8'), 'hex') || 'k')
    $$""",
    f"""CREATE OR REPLACE FUNCTION frontline_item_search() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := {_PG_DOC.format(p="NEW.")};
        RETURN NEW;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION frontline_report_search() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            UPDATE item SET search_vector = {_PG_DOC.format(p="")} WHERE id = OLD.item_id;
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.item_id <> OLD.item_id) THEN
            UPDATE item SET search_vector = {_PG_DOC.format(p="")} WHERE id = NEW.item_id;
        END IF;
        RETURN NULL;
    END $$""",
    # open items only, for the similar lookup: a narrow table (summary, details, the scope
    # lexeme) that stays small and in memory however many items are closed
    """CREATE OR REPLACE FUNCTION frontline_open_document(
        p_team_id text, p_summary text, p_details text, p_status text, p_team_key text)
        RETURNS tsvector
    LANGUAGE sql IMMUTABLE AS $$
        SELECT setweight(to_tsvector('english', coalesce(p_summary, '')), 'A')
            || setweight(to_tsvector('english', coalesce(p_details, '')), 'B')
            || to_tsvector('simple', 'k' || encode(convert_to(
                   p_team_id || ':' || p_status || ':' || p_team_key, 'UTF8'), 'hex') || 'k')
    $$""",
    """CREATE TABLE IF NOT EXISTS item_open_search (
        item_id integer PRIMARY KEY,
        search_vector tsvector NOT NULL)""",
    f"""CREATE OR REPLACE FUNCTION frontline_item_open_search() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM item_open_search WHERE item_id = OLD.id;
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.status = 'open' THEN
            INSERT INTO item_open_search (item_id, search_vector)
            VALUES (NEW.id, {_PG_OPEN_DOC.format(p="NEW.")});
        END IF;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS item_open_search_aiud ON item",
    """CREATE TRIGGER item_open_search_aiud AFTER INSERT OR DELETE OR UPDATE OF
        id, slack_team_id, summary, details, status, team_key ON item
        FOR EACH ROW EXECUTE FUNCTION frontline_item_open_search()""",
    "DROP TRIGGER IF EXISTS item_search_biu ON item",
    """CREATE TRIGGER item_search_biu BEFORE INSERT OR UPDATE OF
        id, slack_team_id, summary, details, customer, status, team_key ON item
        FOR EACH ROW EXECUTE FUNCTION frontline_item_search()""",
    "DROP TRIGGER IF EXISTS report_search_aiud ON report",
    """CREATE TRIGGER report_search_aiud
        AFTER INSERT OR DELETE OR UPDATE OF item_id, quote, customer ON report
        FOR EACH ROW EXECUTE FUNCTION frontline_report_search()""",
    "CREATE INDEX IF NOT EXISTS ix_item_search ON item USING gin (search_vector)",
    """CREATE INDEX IF NOT EXISTS ix_item_open_search ON item_open_search
        USING gin (search_vector)""",
]
_PG_DROP = [
    "DROP TRIGGER IF EXISTS report_search_aiud ON report",
    "DROP TRIGGER IF EXISTS item_search_biu ON item",
    "DROP TRIGGER IF EXISTS item_open_search_aiud ON item",
    "DROP TABLE IF EXISTS item_open_search",
    "DROP INDEX IF EXISTS ix_item_search",
    "ALTER TABLE item DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS frontline_report_search()",
    "DROP FUNCTION IF EXISTS frontline_item_search()",
    "DROP FUNCTION IF EXISTS frontline_item_open_search()",
    "DROP FUNCTION IF EXISTS frontline_open_document(text, text, text, text, text)",
    "DROP FUNCTION IF EXISTS frontline_item_document(integer, text, text, text, text, text, text)",
]


def create_search_schema(conn: Connection) -> None:
    """The index, its triggers (and on PostgreSQL its column and functions); idempotent."""
    for statement in _PG_DDL if _is_pg(conn) else _SQLITE_DDL:
        conn.exec_driver_sql(statement)


def drop_search_schema(conn: Connection) -> None:
    for statement in _PG_DROP if _is_pg(conn) else _SQLITE_DROP:
        conn.exec_driver_sql(statement)


def backfill_search(conn: Connection) -> None:
    """Index every item already stored (migration 0005)."""
    if _is_pg(conn):
        conn.exec_driver_sql(f"UPDATE item SET search_vector = {_PG_DOC.format(p='')}")
        conn.exec_driver_sql("DELETE FROM item_open_search")
        conn.exec_driver_sql(
            "INSERT INTO item_open_search (item_id, search_vector)"
            f" SELECT id, {_PG_OPEN_DOC.format(p='')} FROM item WHERE status = 'open'"
        )
        return
    conn.exec_driver_sql("DELETE FROM item_search")
    conn.exec_driver_sql(
        "INSERT INTO item_search (rowid, summary, details, customer, reports, scope) "
        f"SELECT {_SQLITE_DOC.format(alias='item')} FROM item"
    )
    conn.exec_driver_sql("DELETE FROM item_open_search")
    conn.exec_driver_sql(
        "INSERT INTO item_open_search (rowid, summary, details, scope) "
        f"SELECT {_SQLITE_OPEN_DOC.format(alias='item')} FROM item WHERE status = 'open'"
    )


def _is_pg(conn: Connection | Session) -> bool:
    bind = conn.get_bind() if isinstance(conn, Session) else conn
    return bind.dialect.name == "postgresql"


# -- words ---------------------------------------------------------------------------------


def words_of(typed: str, *, limit: int = MAX_SEARCH_WORDS) -> list[str]:
    """The words of what someone typed, lower-cased, without stop words or repeats; every
    other character (quotes, `*`, `(`, `:`, `-`) only separates words."""
    found: list[str] = []
    for match in _WORD.finditer(typed.casefold()):
        word = match.group()[:MAX_WORD_CHARS]
        if word not in STOP_WORDS and word not in found:
            found.append(word)
    return found[:limit]


def telling_words(typed: str, *, limit: int = MAX_CANDIDATE_WORDS) -> list[str]:
    """The words that tell one request from another: no stop words, three letters or more,
    the longest first when there are too many (long words are the rare ones)."""
    words = [w for w in words_of(typed, limit=10_000) if len(w) >= 3 or w.isdigit()]
    if len(words) <= limit:
        return words
    keep = set(sorted(words, key=len, reverse=True)[:limit])
    return [w for w in words if w in keep][:limit]


def scope_token(*, team_id: str, status: str, team_key: str) -> str:
    """The index token naming a workspace, status and team (the similar lookup's scope)."""
    return "k" + f"{team_id}:{status}:{team_key}".encode().hex() + "k"


def _fts_match(words: Sequence[str], joiner: str) -> str:
    # each word quoted: FTS5 reads it as a string, never as syntax (words hold no '"')
    return joiner.join('"' + w.replace('"', '""') + '"' for w in words)


def _pg_query(words: Sequence[str], joiner: str) -> tuple[str, dict[str, str]]:
    parts = [f"plainto_tsquery('english', :w{n})" for n in range(len(words))]
    return "(" + f" {joiner} ".join(parts) + ")", {f"w{n}": w for n, w in enumerate(words)}


# -- queries -------------------------------------------------------------------------------


def search_items(session: Session, *, team_id: str, words: str, limit: int = 10) -> list[Item]:
    """Items of the workspace matching every word (else, when none does, any of them), best
    first, across all teams; merged items are left out (their reports live in their target)."""
    found = words_of(words)
    if not found:
        return []
    ids = _search_ids(session, team_id=team_id, words=found, every=True, limit=limit)
    if not ids and len(found) > 1:
        ids = _search_ids(session, team_id=team_id, words=found, every=False, limit=limit)
    return _items_in_order(session, ids)


def _search_ids(
    session: Session, *, team_id: str, words: Sequence[str], every: bool, limit: int
) -> list[int]:
    params: dict[str, object] = {"team": team_id, "limit": limit}
    if _is_pg(session):
        query, binds = _pg_query(words, "&&" if every else "||")
        params.update(binds)
        sql = (
            "SELECT i.id FROM item i"
            f" WHERE i.search_vector @@ {query}"
            " AND i.slack_team_id = :team AND i.status <> 'merged'{window}"
            f" ORDER BY ts_rank(i.search_vector, {query}) DESC, i.id DESC LIMIT :limit"
        )
        # the newest items first: a word every tenth item holds is ranked among the recent
        # ones only; the whole table when they hold fewer than `limit` matches
        newest = session.execute(text("SELECT max(id) FROM item")).scalar()
        if newest is not None and newest > RECENT_ITEMS:
            params["floor"] = int(newest) - RECENT_ITEMS
            found = [
                int(row[0])
                for row in session.execute(text(sql.format(window=" AND i.id > :floor")), params)
            ]
            if len(found) >= limit:
                return found
        return [int(row[0]) for row in session.execute(text(sql.format(window="")), params)]
    # bm25 ranks the newest RECENT_MATCHES matches: ranking costs per match, and a word every
    # tenth item holds matches 100,000 of a million
    params["match"] = _fts_match(words, " " if every else " OR ")
    params["recent"] = RECENT_MATCHES
    sql = (
        f"SELECT m.id FROM (SELECT rowid AS id, {_BM25} AS rank FROM item_search"
        " WHERE item_search MATCH :match ORDER BY rowid DESC LIMIT :recent) m"
        " JOIN item i ON i.id = m.id"
        " WHERE i.slack_team_id = :team AND i.status <> 'merged'"
        " ORDER BY m.rank, m.id DESC LIMIT :limit"
    )
    return [int(row[0]) for row in session.execute(text(sql), params)]


@dataclass(frozen=True)
class Candidate:
    """An open item the similar lookup may suggest: what it scores and what the reply shows."""

    item_id: int
    summary: str
    customers: int
    card_permalink: str | None


def candidates(
    session: Session, *, team_id: str, team_key: str, text: str, exclude_id: int | None, limit: int
) -> list[Candidate]:
    """Open items of one team that share any telling word with `text`, best first: the
    similar-items lookup ranks these further. Only that team's open items are ranked (on
    SQLite the newest RECENT_MATCHES of them), in one query that also reads what is shown."""
    words = telling_words(text)
    if not words:
        return []
    scope = scope_token(team_id=team_id, status=ItemStatus.OPEN, team_key=team_key)
    params: dict[str, object] = {
        "exclude": -1 if exclude_id is None else exclude_id,
        "limit": limit,
        "scope": scope,
    }
    if _is_pg(session):
        query, binds = _pg_query(words, "||")
        params.update(binds)
        sql = (
            "SELECT i.id, i.summary, i.customers, i.card_permalink FROM ("
            f" SELECT o.item_id, ts_rank(o.search_vector, {query}) AS rank"
            " FROM item_open_search o"
            f" WHERE o.search_vector @@ (plainto_tsquery('simple', :scope) && {query})"
            " AND o.item_id <> :exclude"
            " ORDER BY rank DESC, o.item_id DESC LIMIT :limit) m"
            " JOIN item i ON i.id = m.item_id ORDER BY m.rank DESC, m.item_id DESC"
        )
    else:
        params["match"] = f'scope : "{scope}" AND ({_fts_match(words, " OR ")})'
        params["recent"] = RECENT_MATCHES
        sql = (
            "SELECT i.id, i.summary, i.customers, i.card_permalink FROM ("
            " SELECT id, rank FROM ("
            f"  SELECT rowid AS id, {_BM25_OPEN} AS rank FROM item_open_search"
            "   WHERE item_open_search MATCH :match AND rowid <> :exclude"
            "   ORDER BY rowid DESC LIMIT :recent)"
            " ORDER BY rank, id DESC LIMIT :limit) m"
            " JOIN item i ON i.id = m.id ORDER BY m.rank, m.id DESC"
        )
    return [
        Candidate(int(row[0]), str(row[1]), int(row[2]), row[3])
        for row in session.execute(_text(sql), params)
    ]


_text = text  # `candidates` takes a parameter named text


def _items_in_order(session: Session, ids: Sequence[int]) -> list[Item]:
    if not ids:
        return []
    rows = {item.id: item for item in session.exec(select(Item).where(col(Item.id).in_(ids)))}
    return [rows[i] for i in ids if i in rows]
