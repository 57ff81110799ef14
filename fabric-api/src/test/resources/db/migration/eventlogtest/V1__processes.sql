-- a service migration after the event log, as mm-service has one
create table processes (pid bigint primary key);
