--
-- The lifecycle events are defined once in C (src/hooks_events.c) and
-- repeated in SQL: the CHECK constraint of am.hook_registry.event and the
-- order of the am.hooks view.  These must agree with am.hook_events().
--
SELECT * FROM am.hook_events();

-- the registry accepts exactly the events C knows
SELECT array_agg(m[1] ORDER BY m[1]) = (SELECT array_agg(event ORDER BY event) FROM am.hook_events())
	AS check_constraint_agrees
FROM pg_constraint c,
	 regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
WHERE c.conrelid = 'am.hook_registry'::regclass AND c.conname = 'hook_registry_event_check';

-- the view orders them as C does
SELECT array_agg(m[1] ORDER BY ordinality) = (SELECT array_agg(event ORDER BY "position") FROM am.hook_events())
	AS view_order_agrees
FROM regexp_matches(
		(regexp_match(pg_get_viewdef('am.hooks'::regclass), 'array_position\(ARRAY\[([^]]*)\]'))[1],
		'''([a-z_]+)''', 'g') WITH ORDINALITY AS m;

-- and every event runs where its timing says, for the writes it lists
SELECT event, timing, operations FROM am.hook_events()
WHERE (timing = 'before') <> (event LIKE 'before%')
   OR (timing = 'commit') <> (event LIKE '%commit')
   OR (event LIKE '%create%' AND operations <> '{create}')
   OR (event LIKE '%update%' AND operations <> '{update}')
   OR (event LIKE '%destroy%' AND operations <> '{destroy}')
   OR (event LIKE '%save' AND operations <> '{create,update}')
   OR (event = 'after_commit' AND operations <> '{create,update,destroy}');
