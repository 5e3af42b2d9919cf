// Which tools rest only on the vendor's word? Every source the tool node cites is marked a vendor claim
// (no press, paper, union or government source yet). Candidates for independent confirmation.
// @stores embedded neo4j
MATCH (t:Tool)-[:CITES]->(s:Source)
WITH t, count(s) AS sources, sum(CASE WHEN s.vendor_claim = true THEN 1 ELSE 0 END) AS vendor_sources
WHERE sources = vendor_sources
OPTIONAL MATCH (t)-[:MADE_BY]->(v:Vendor)
RETURN t.id AS tool, t.name AS tool_name, v.name AS vendor, sources
ORDER BY vendor, tool
