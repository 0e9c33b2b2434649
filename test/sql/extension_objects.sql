-- Every object of the activemodel extension with its definition, one row per
-- object, in a stable order.  test/t/020_upgrade.pl compares this between a
-- database updated from 1.0 and a fresh install: an upgrade script that
-- forgets or mis-states a change shows up as a differing row.
WITH ext AS (
	SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'activemodel'
), members AS (
	SELECT d.classid, d.objid, d.objsubid
	FROM pg_catalog.pg_depend d, ext
	WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
	  AND d.refobjid = ext.oid AND d.deptype = 'e'
), described AS (
	SELECT pg_catalog.pg_describe_object(m.classid, m.objid, m.objsubid) AS object,
		CASE m.classid
		WHEN 'pg_catalog.pg_proc'::pg_catalog.regclass THEN
			(SELECT pg_catalog.concat_ws(' | ',
				pg_catalog.pg_get_function_identity_arguments(p.oid),
				pg_catalog.pg_get_function_result(p.oid),
				p.prokind, p.provolatile, p.proparallel, p.proisstrict, p.prosecdef,
				p.proleakproof, p.procost, p.prorows, p.proconfig::text, p.proacl::text,
				pg_catalog.md5(p.prosrc), p.probin,
				pg_catalog.pg_get_function_arguments(p.oid))
			 FROM pg_catalog.pg_proc p WHERE p.oid = m.objid)
		WHEN 'pg_catalog.pg_class'::pg_catalog.regclass THEN
			(SELECT pg_catalog.concat_ws(' | ', c.relkind, c.relacl::text, c.reloptions::text,
				(SELECT pg_catalog.string_agg(pg_catalog.concat_ws(' ', a.attnum, a.attname,
						pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
						pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attacl::text),
						', ' ORDER BY a.attnum)
				 FROM pg_catalog.pg_attribute a
				 LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
				 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
				(SELECT pg_catalog.string_agg(pg_catalog.concat_ws(' ', co.conname,
						pg_catalog.pg_get_constraintdef(co.oid)), ', ' ORDER BY co.conname)
				 FROM pg_catalog.pg_constraint co WHERE co.conrelid = c.oid),
				(SELECT pg_catalog.string_agg(pg_catalog.pg_get_indexdef(i.indexrelid), ', '
						ORDER BY 1)
				 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid),
				(SELECT pg_catalog.string_agg(pg_catalog.pg_get_triggerdef(t.oid), ', ' ORDER BY t.tgname)
				 FROM pg_catalog.pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal),
				(SELECT pg_catalog.string_agg(pg_catalog.concat_ws(' ', pol.polname,
						pg_catalog.pg_get_expr(pol.polqual, pol.polrelid)), ', ' ORDER BY pol.polname)
				 FROM pg_catalog.pg_policy pol WHERE pol.polrelid = c.oid),
				CASE WHEN c.relkind = 'v' THEN pg_catalog.pg_get_viewdef(c.oid) END,
				(SELECT e.extcondition::text FROM pg_catalog.pg_extension e, ext
				 WHERE e.oid = ext.oid AND c.oid OPERATOR(pg_catalog.=) ANY (e.extconfig)))
			 FROM pg_catalog.pg_class c WHERE c.oid = m.objid)
		WHEN 'pg_catalog.pg_type'::pg_catalog.regclass THEN
			(SELECT pg_catalog.concat_ws(' | ', t.typtype, t.typlen, t.typalign, t.typstorage,
				t.typcategory, t.typinput::text, t.typoutput::text, t.typreceive::text,
				t.typsend::text, t.typmodin::text, t.typmodout::text, t.typacl::text)
			 FROM pg_catalog.pg_type t WHERE t.oid = m.objid)
		WHEN 'pg_catalog.pg_operator'::pg_catalog.regclass THEN
			(SELECT pg_catalog.concat_ws(' | ', o.oprcode::text, o.oprcom::regoperator::text,
				o.oprnegate::regoperator::text, o.oprrest::text, o.oprjoin::text,
				o.oprcanhash, o.oprcanmerge)
			 FROM pg_catalog.pg_operator o WHERE o.oid = m.objid)
		WHEN 'pg_catalog.pg_opclass'::pg_catalog.regclass THEN
			(SELECT pg_catalog.concat_ws(' | ', oc.opcdefault, oc.opcintype::regtype::text,
				(SELECT pg_catalog.string_agg(pg_catalog.concat_ws(' ', ao.amopstrategy,
						ao.amopopr::regoperator::text), ', ' ORDER BY ao.amopstrategy)
				 FROM pg_catalog.pg_amop ao WHERE ao.amopfamily = oc.opcfamily),
				(SELECT pg_catalog.string_agg(pg_catalog.concat_ws(' ', ap.amprocnum,
						ap.amproc::regprocedure::text), ', ' ORDER BY ap.amprocnum)
				 FROM pg_catalog.pg_amproc ap WHERE ap.amprocfamily = oc.opcfamily))
			 FROM pg_catalog.pg_opclass oc WHERE oc.oid = m.objid)
		WHEN 'pg_catalog.pg_cast'::pg_catalog.regclass THEN
			(SELECT pg_catalog.concat_ws(' | ', ca.castfunc::regprocedure::text,
				ca.castcontext, ca.castmethod)
			 FROM pg_catalog.pg_cast ca WHERE ca.oid = m.objid)
		WHEN 'pg_catalog.pg_event_trigger'::pg_catalog.regclass THEN
			(SELECT pg_catalog.concat_ws(' | ', et.evtevent, et.evtfoid::regprocedure::text,
				et.evtenabled, et.evttags::text)
			 FROM pg_catalog.pg_event_trigger et WHERE et.oid = m.objid)
		WHEN 'pg_catalog.pg_namespace'::pg_catalog.regclass THEN
			(SELECT n.nspacl::text FROM pg_catalog.pg_namespace n WHERE n.oid = m.objid)
		END AS definition,
		(SELECT ds.description FROM pg_catalog.pg_description ds
		 WHERE ds.classoid = m.classid AND ds.objoid = m.objid AND ds.objsubid = 0) AS comment
	FROM members m
)
SELECT object, definition, comment FROM described ORDER BY object COLLATE "C";
