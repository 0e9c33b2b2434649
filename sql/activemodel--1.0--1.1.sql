/* sql/activemodel--1.0--1.1.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION activemodel UPDATE TO '1.1'" to load this file. \quit

-- Every change of 1.1 is made here and in activemodel--1.1.sql alike;
-- test/t/020_upgrade.pl checks that 1.0 updated to 1.1 has exactly the
-- objects of a fresh 1.1 install.

-- typeid casts for clients (issue 11)
--
-- text -> typeid becomes implicit and varchar -> typeid is new, so that
-- strings bound as text or varchar by client drivers compare with typeid
-- columns (see activemodel--1.1.sql).  A cast's context cannot be altered:
-- drop and create it again.  Nothing records a dependency on an I/O cast,
-- so stored views and defaults that use it are unaffected.
DROP CAST (text AS typeid);
CREATE CAST (text AS typeid) WITH INOUT AS IMPLICIT;
CREATE CAST (varchar AS typeid) WITH INOUT AS IMPLICIT;
