#!/bin/sh
# Runs once, when the orders database is created: the gateway's own backend role (ordinary, not superuser) and a
# little sample data. Its password comes from ORDERS_PASSWORD, the same variable the gateway reads.
set -e
psql -v ON_ERROR_STOP=1 -v pw="$ORDERS_PASSWORD" --username "$POSTGRES_USER" --dbname orders <<'SQL'
CREATE ROLE gw_orders LOGIN PASSWORD :'pw';
CREATE TABLE public.customers (id int PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE public.orders (id int PRIMARY KEY, customer_id int REFERENCES public.customers, total numeric);
INSERT INTO public.customers VALUES (1, 'Ada', 'ada@example.com'), (2, 'Grace', 'grace@example.com');
INSERT INTO public.orders VALUES (1, 1, 42.00), (2, 2, 17.50);
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO gw_orders;
SQL
