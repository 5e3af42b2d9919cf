// Which occupations do the most capabilities reach? REACHES is the engine's effective capability -> task
// link (derived at build time: direct, through an O*NET work activity, or through an equivalent task), so
// this is a two-hop question. Each row: how many capabilities reach the occupation's tasks, how many of its
// tasks are reached, and how many of those paths go through a work activity rather than a direct link.
// Needs the public datasets (build with --sources) for the O*NET occupations and their tasks.
// @stores embedded neo4j
MATCH (c:Capability)-[r:REACHES]->(k:Task)<-[:HAS_TASK]-(o:Occupation)
RETURN o.id AS occupation, o.title AS title, count(DISTINCT c) AS capabilities, count(DISTINCT k) AS tasks_reached,
       sum(CASE WHEN r.path = 'activity' THEN 1 ELSE 0 END) AS paths_through_activities
ORDER BY capabilities DESC, tasks_reached DESC, occupation
LIMIT 25
