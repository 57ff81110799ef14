package org.svafabric.device.store;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.svafabric.device.engine.JobNumbers;

/**
 * The job-number blocks of one id prefix in the service's database ({@code job_id_block}): each reservation moves
 * the row's next block on in one transaction (the update locks the row), so every boot, and every shard that shares
 * the database under its own prefix, gets blocks no one else had.
 */
public final class JdbcJobNumberBlocks implements JobNumbers.BlockStore {
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final String prefix;

    public JdbcJobNumberBlocks(JdbcTemplate jdbc, TransactionTemplate tx, String prefix) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.prefix = prefix;
    }

    @Override
    public long reserve() {
        return tx.execute(status -> {
            if (jdbc.update("update job_id_block set next_block = next_block + 1 where prefix = ?", prefix) == 0) {
                jdbc.update("insert into job_id_block (prefix, next_block) values (?, 1)", prefix);
                return 0L;
            }
            return jdbc.queryForObject("select next_block - 1 from job_id_block where prefix = ?", Long.class, prefix);
        });
    }
}
