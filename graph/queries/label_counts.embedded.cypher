// How many nodes of each label the graph holds.
// Embedded (LadybugDB) dialect: label(n) is a string (labels(n) is a string too, so labels(n)[0] is '').
// @stores embedded
MATCH (n)
RETURN label(n) AS label, count(*) AS nodes
ORDER BY label
