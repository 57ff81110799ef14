-- Workloads (load tests of the DMA fault paths): the request, how it ended, and its report, as JSON.
create table workload (
    id        varchar(36)  primary key,
    uid       bigint       not null,
    status    varchar(16)  not null,
    request   text         not null,
    report    text,
    failure   varchar(4000),
    created   timestamp(6) with time zone not null,
    started   timestamp(6) with time zone,
    finished  timestamp(6) with time zone
);
create index workload_uid on workload (uid, created);
