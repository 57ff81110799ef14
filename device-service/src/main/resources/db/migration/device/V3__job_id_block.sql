-- Job numbers are handed out in blocks, one row update per block, so that a job id is never reused after a
-- restart (JobNumbers). One row per job-id prefix: device-service shards that share a database keep apart.
create table job_id_block (
    prefix     varchar(16) primary key,
    next_block bigint      not null
);
