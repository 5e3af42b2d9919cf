// How far does AI reach into each department? Its crafts, how many of them a catalogued tool reaches
// (tool -PROVIDES-> capability -PERFORMS-> task of the craft), and how many distinct tools and
// capabilities reach the department. Departments with no reached craft show zeros.
// @stores embedded neo4j
MATCH (d:Department)<-[:IN_DEPARTMENT]-(cr:Craft)
OPTIONAL MATCH (cr)-[:HAS_TASK]->(:Task)<-[:PERFORMS]-(c:Capability)<-[:PROVIDES]-(t:Tool)
RETURN d.id AS department, d.name AS name, count(DISTINCT cr) AS crafts,
       count(DISTINCT CASE WHEN t IS NOT NULL THEN cr.id END) AS crafts_reached,
       count(DISTINCT t) AS tools, count(DISTINCT c) AS capabilities
ORDER BY crafts_reached DESC, tools DESC, department
