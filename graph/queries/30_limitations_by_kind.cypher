// What do the limitations of one kind (legal/contractual, technical or economic) hold back? The
// capabilities each constrains (CONSTRAINED_BY) and the tools it applies to (HAS_LIMITATION), with its
// severity today, its half-life (technical limitations may fade; empty: does not fade) and why.
// @param kind "legal"  technical, legal or economic
// @stores embedded neo4j
MATCH (l:Limitation {kind: $kind})
OPTIONAL MATCH (c:Capability)-[:CONSTRAINED_BY]->(l)
WITH l, collect(DISTINCT c.id) AS capabilities
OPTIONAL MATCH (t:Tool)-[:HAS_LIMITATION]->(l)
RETURN l.id AS limitation, l.name AS name, l.severity AS severity, l.half_life_years AS half_life_years,
       l.justification AS justification, size(capabilities) AS n_capabilities, capabilities,
       collect(DISTINCT t.id) AS tools
ORDER BY severity DESC, limitation
