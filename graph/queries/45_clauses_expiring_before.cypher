// Which clauses in force expire before a date, and which crafts do they cover? Clauses of instruments in
// force whose expiry comes before $before (agreements end; most laws do not), with the crafts they name and
// whether a successor instrument supersedes theirs (an expiry of 2027-07 runs to the end of July 2027).
// Bargaining calendar: these are the terms to renew.
// @param before "2028-01-01"  the date (YYYY-MM-DD)
// @stores embedded neo4j
MATCH (cl:Clause)-[:IN_INSTRUMENT]->(i:Instrument)
WHERE i.status = 'in_force' AND cl.expiry IS NOT NULL AND cl.expiry < left($before, size(cl.expiry))
OPTIONAL MATCH (cl)-[:COVERS]->(cr:Craft)
WITH cl, i, collect(DISTINCT cr.name) AS crafts
OPTIONAL MATCH (next:Instrument)-[:SUPERSEDES]->(i)
RETURN i.name AS instrument, cl.section AS section, cl.name AS clause, cl.requires AS requires,
       cl.expiry AS expiry, size(crafts) AS n_crafts, crafts, collect(DISTINCT next.name) AS successors
ORDER BY expiry, instrument, section, clause
