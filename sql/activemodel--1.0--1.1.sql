/* sql/activemodel--1.0--1.1.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION activemodel UPDATE TO '1.1'" to load this file. \quit

-- Every change of 1.1 is made here and in activemodel--1.1.sql alike;
-- test/t/020_upgrade.pl checks that 1.0 updated to 1.1 has exactly the
-- objects of a fresh 1.1 install.
