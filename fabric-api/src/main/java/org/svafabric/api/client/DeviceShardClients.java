package org.svafabric.api.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.svafabric.api.audit.AuditFinding;
import org.svafabric.api.audit.AuditViews;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.boot.PeerReboot;
import org.svafabric.api.device.DeviceApi;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.faults.ArmedFault;
import org.svafabric.api.threads.DaemonPool;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.topology.DeviceShards;

/**
 * device-service's shards as a caller reaches them: each shard (an instance serving part of the topology, at its own
 * base URL from {@code fabric.services.device-shards}) is a {@link Remote} of its own, with its own circuit breaker
 * and boot id; this class says which shard serves a device and gathers every shard for what spans them.
 *
 * <p>Which shard serves a device is learned from the shards' device listings ({@code GET /device/v1/devices} of
 * each: every listing, and a hotplug's answer, teach it). An id not learned yet makes this ask the shards again (at
 * most once a second), and an id still unknown goes to {@link DeviceShards#ownerOfId}, the shard a device without
 * an explicit {@code shard} has. A shard that does not answer keeps what was learned from it, so a call to one of its
 * devices goes to it and fails as that shard's 503, never as another shard's "no such device". A shard's reboot
 * ({@link #peerRebooted}) forgets what was learned from that shard alone.
 *
 * <p>With one shard every call goes to it, as before shards.
 */
public final class DeviceShardClients {
    /** How often an unknown id may make this list the shards again. */
    private static final long RELEARN_NANOS = Duration.ofSeconds(1).toNanos();
    /** "j1-42": job 42 of shard 1 (with one shard, jobs are "j-42"). */
    private static final Pattern SHARD_JOB = Pattern.compile("j(\\d+)-\\d+");
    private static final int MAX_PAGE = 1000;

    private final ServiceClients clients;
    private final int count;
    private final Map<String, Integer> learned = new ConcurrentHashMap<>();
    private final Map<Duration, ShardedDeviceApi> routed = new ConcurrentHashMap<>();
    private volatile long lastLearned = System.nanoTime() - 2 * RELEARN_NANOS;
    private volatile Set<Integer> lastUnavailable = Set.of();
    private volatile ExecutorService pool;

    DeviceShardClients(ServiceClients clients, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one device-service shard");
        }
        this.clients = clients;
        this.count = count;
    }

    /** How many shards there are (1 without {@code fabric.services.device-shards}). */
    public int count() {
        return count;
    }

    public Remote remote(int shard) {
        return Remote.deviceShard(shard, count);
    }

    /** {@code api} of shard {@code shard}, under its own breaker. */
    public <T> T shard(int shard, Class<T> api) {
        return clients.of(remote(shard), api);
    }

    public <T> T shard(int shard, Class<T> api, Duration readTimeout) {
        return clients.of(remote(shard), api, readTimeout);
    }

    /** device-service's API routed by device (see {@link ShardedDeviceApi}). */
    public DeviceApi routed() {
        return routed(clients.readTimeout());
    }

    public DeviceApi routed(Duration readTimeout) {
        return routed.computeIfAbsent(readTimeout, t -> new ShardedDeviceApi(this, t));
    }

    /** The shard that serves device {@code id}: learned, else (after asking the shards again) its hash's. */
    public int shardOf(String id) {
        return route(id).shard();
    }

    /** Where a call about device {@code id} goes, and whether a listing said so ({@code learned}) or only the hash. */
    public record Route(int shard, boolean learned) {
    }

    public Route route(String id) {
        if (count == 1) {
            return new Route(0, true);
        }
        Integer k = learned.get(id);
        if (k == null && System.nanoTime() - lastLearned > RELEARN_NANOS) {
            devices();
            k = learned.get(id);
        }
        return k != null ? new Route(k, true) : new Route(DeviceShards.ownerOfId(id == null ? "" : id, count), false);
    }

    /** The shard a listing or a hotplug answer placed {@code id} on; null when none did. */
    Integer learnedShard(String id) {
        return learned.get(id);
    }

    /** The shards the last full listing could not reach (their devices are unknown here until they answer). */
    public Set<Integer> unavailable() {
        return lastUnavailable;
    }

    /**
     * A device nobody listed, asked where the hash puts it, is not there, while some shard does not answer: it may
     * be that shard's (a topology's {@code shard:}), so the answer is that shard's 503, not "no such device".
     */
    ErrnoException unknownWhileUnavailable(String id, ErrnoException enodev) {
        Set<Integer> down = lastUnavailable;
        String which = header(down);
        Remote first = remote(down.iterator().next());
        return clients.guard().unavailable(first, "device " + id + " is on no shard that answers ("
                + enodev.getMessage() + "), and device-service shard(s) " + which + " did not answer the device list", 2);
    }

    /** The shard a new device (a hotplug) goes to. */
    public int shardOf(DeviceDescription d) {
        return DeviceShards.ownerOf(d, count);
    }

    /** The shard whose job ids look like {@code jobId} ("j1-42"), or -1 when the id names none. */
    public int shardOfJob(String jobId) {
        if (count == 1) {
            return 0;
        }
        Matcher m = jobId == null ? null : SHARD_JOB.matcher(jobId);
        if (m == null || !m.matches()) {
            return -1;
        }
        try {
            int k = Integer.parseInt(m.group(1));
            return k < count ? k : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code api} of the shard that serves device {@code id}. */
    public <T> T forDevice(String id, Class<T> api) {
        return shard(shardOf(id), api);
    }

    public <T> T forDevice(String id, Class<T> api, Duration readTimeout) {
        return shard(shardOf(id), api, readTimeout);
    }

    /** What was learned: device id to shard. */
    public Map<String, Integer> learned() {
        return Map.copyOf(learned);
    }

    /** Shard {@code shard} serves these devices (its listing, or a hotplug it took). */
    public void learn(int shard, Collection<DeviceViews.Device> devices) {
        Set<String> ids = new HashSet<>();
        for (DeviceViews.Device d : devices) {
            ids.add(d.id());
            learned.put(d.id(), shard);
        }
        learned.entrySet().removeIf(e -> e.getValue() == shard && !ids.contains(e.getKey()));
    }

    void learnOne(int shard, DeviceViews.Device d) {
        if (d != null && d.id() != null) {
            learned.put(d.id(), shard);
        }
    }

    /** Forgets what shard {@code shard} was learned to serve. */
    public void forget(int shard) {
        learned.values().removeIf(v -> v == shard);
    }

    /** A shard rebooted: what it serves is learned again from it alone (its neighbours did not change). */
    public void peerRebooted(PeerReboot r) {
        int k = shardOfPeer(r.service());
        if (k >= 0) {
            forget(k);
        }
    }

    /** The shard a peer name ({@link BootId#deviceShard}) names here, or -1. */
    public int shardOfPeer(String service) {
        int k = BootId.deviceShardOf(service);
        return k >= 0 && k < count && BootId.deviceShard(k, count).equals(service) ? k : -1;
    }

    /** Every shard's answer to {@code call}, made at once; a shard that failed is in {@code failures}. */
    public <R> Gathered<R> each(IntFunction<R> call) {
        return each(allShards(), call);
    }

    /** The same for some shards. */
    public <R> Gathered<R> each(Collection<Integer> shards, IntFunction<R> call) {
        Map<Integer, R> answers = new TreeMap<>();
        Map<Integer, RuntimeException> failures = new TreeMap<>();
        if (shards.size() == 1) {
            int k = shards.iterator().next();
            try {
                answers.put(k, call.apply(k));
            } catch (RuntimeException e) {
                failures.put(k, e);
            }
            return new Gathered<>(answers, failures);
        }
        Map<Integer, CompletableFuture<R>> running = new LinkedHashMap<>();
        for (int k : shards) {
            running.put(k, CompletableFuture.supplyAsync(() -> call.apply(k), pool()));
        }
        running.forEach((k, f) -> {
            try {
                answers.put(k, f.get());
            } catch (ExecutionException e) {
                failures.put(k, e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.put(k, new IllegalStateException("interrupted while asking device-service shard " + k, e));
            }
        });
        return new Gathered<>(answers, failures);
    }

    private ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) {
                    pool = DaemonPool.cached("device-shards");
                }
                p = pool;
            }
        }
        return p;
    }

    private List<Integer> allShards() {
        List<Integer> all = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            all.add(k);
        }
        return all;
    }

    /** Every shard's devices, in shard order; what each answering shard serves is learned. */
    public Listing devices() {
        return devices(allShards());
    }

    /** The devices of some shards (a retry of those that did not answer before). */
    public Listing devices(Collection<Integer> shards) {
        return listing(shards, each(shards, k -> shard(k, DeviceApi.class).devices()));
    }

    /**
     * Every shard's part of GET /api/v1/fabric, one call each ({@code GET /device/v1/fabric}): the devices, learned as
     * a listing teaches them, and the faults armed in the shards that answered, in shard order.
     */
    public Parts fabricParts() {
        List<Integer> shards = allShards();
        Gathered<DeviceViews.FabricPart> g = each(shards, k -> shard(k, DeviceApi.class).fabric());
        Map<Integer, List<DeviceViews.Device>> devices = new TreeMap<>();
        List<ArmedFault> faults = new ArrayList<>();
        g.answers().forEach((k, part) -> {
            devices.put(k, part == null ? null : part.devices());
            if (part != null && part.faults() != null) {
                faults.addAll(part.faults());
            }
        });
        return new Parts(listing(shards, new Gathered<>(devices, g.failures())), List.copyOf(faults));
    }

    /** {@link #fabricParts}: the shards' devices as a {@link Listing}, and their armed faults. */
    public record Parts(Listing listing, List<ArmedFault> faults) {
    }

    private Listing listing(Collection<Integer> shards, Gathered<List<DeviceViews.Device>> g) {
        List<DeviceViews.Device> all = new ArrayList<>();
        g.answers().forEach((k, list) -> {
            List<DeviceViews.Device> l = list == null ? List.of() : list;
            learn(k, l);
            all.addAll(l);
        });
        if (shards.size() == count) {
            lastLearned = System.nanoTime();
            lastUnavailable = Set.copyOf(g.failures().keySet());
        } else if (!g.answers().isEmpty()) {
            Set<Integer> still = new HashSet<>(lastUnavailable);
            still.removeAll(g.answers().keySet());
            lastUnavailable = Set.copyOf(still);
        }
        return new Listing(List.copyOf(all), g.answers().keySet(), g.failures());
    }

    /**
     * Jobs of every shard that match, merged in submission order (oldest first), paged as one shard pages its own:
     * without {@code page} the newest {@code size}. A shard that does not answer is left out ({@code failures}).
     */
    public Merged<DeviceViews.JobPage> jobs(String device, Integer pasid, String status, Long uid, Integer page, int size) {
        if (device != null || count == 1) {
            int k = device == null ? 0 : shardOf(device);
            return new Merged<>(shard(k, DeviceApi.class).jobs(device, pasid, status, uid, page, size), Map.of());
        }
        if ((page != null && page < 0) || size < 1 || size > MAX_PAGE) {
            throw ErrnoException.invalid("page must be >= 0 and size 1.." + MAX_PAGE);
        }
        // Round 1: how many each shard holds (its newest one, which costs nothing to send).
        Gathered<DeviceViews.JobPage> totals = each(k -> shard(k, DeviceApi.class).jobs(null, pasid, status, uid, null, 1));
        if (totals.answers().isEmpty()) {
            throw totals.firstFailure();
        }
        long total = 0;
        for (DeviceViews.JobPage p : totals.answers().values()) {
            total += p.total();
        }
        int shown = page == null ? (int) Math.max(0, (total - 1) / size) : page;
        long from = page == null ? Math.max(0, total - size) : Math.min((long) page * size, total);
        long to = Math.min(total, from + size);
        if (from >= to) {
            return new Merged<>(new DeviceViews.JobPage(List.of(), shown, size, total), totals.failures());
        }
        // Round 2: the merged window lies among each shard's first `to` jobs, or among its last `total - from`.
        boolean fromHead = to <= total - from;
        long want = fromHead ? to : total - from;
        Map<Integer, Long> shardTotals = new TreeMap<>();
        totals.answers().forEach((k, p) -> shardTotals.put(k, p.total()));
        Gathered<List<Stamped>> windows = each(shardTotals.keySet(), k -> window(k, pasid, status, uid,
                Math.min(want, shardTotals.get(k)), shardTotals.get(k), fromHead));
        List<Stamped> merged = new ArrayList<>();
        windows.answers().values().forEach(merged::addAll);
        merged.sort(Comparator.comparingLong(Stamped::millis).thenComparingInt(Stamped::shard).thenComparingLong(Stamped::index));
        List<DeviceViews.Job> items;
        if (fromHead) {
            items = slice(merged, (int) Math.min(from, merged.size()), (int) Math.min(to, merged.size()));
        } else {
            int tail = (int) Math.min(total - from, merged.size());
            List<Stamped> last = merged.subList(merged.size() - tail, merged.size());
            items = slice(last, 0, (int) Math.min(to - from, last.size()));
        }
        Map<Integer, RuntimeException> failures = new TreeMap<>(totals.failures());
        failures.putAll(windows.failures());
        return new Merged<>(new DeviceViews.JobPage(items, shown, size, total), failures);
    }

    private static List<DeviceViews.Job> slice(List<Stamped> l, int from, int to) {
        return l.subList(from, to).stream().map(Stamped::job).toList();
    }

    /** A job with its submission time and place, for the merge. */
    private record Stamped(long millis, int shard, long index, DeviceViews.Job job) {
    }

    /** Shard {@code k}'s first (or last) {@code want} jobs that match, oldest first. */
    private List<Stamped> window(int k, Integer pasid, String status, Long uid, long want, long shardTotal, boolean head) {
        List<Stamped> out = new ArrayList<>();
        if (want <= 0) {
            return out;
        }
        DeviceApi api = shard(k, DeviceApi.class);
        if (!head && want <= MAX_PAGE) {
            add(out, k, shardTotal - want, api.jobs(null, pasid, status, uid, null, (int) want));
            return out;
        }
        int s = (int) Math.min(MAX_PAGE, want);
        long start = head ? 0 : shardTotal - want;
        for (long p = start / s; (long) p * s < (head ? want : shardTotal); p++) {
            DeviceViews.JobPage got = api.jobs(null, pasid, status, uid, (int) p, s);
            if (got.items() == null || got.items().isEmpty()) {
                break;
            }
            add(out, k, p * s, got);
        }
        if (head) {
            return out.size() > want ? new ArrayList<>(out.subList(0, (int) want)) : out;
        }
        return out.size() > want ? new ArrayList<>(out.subList(out.size() - (int) want, out.size())) : out;
    }

    private static void add(List<Stamped> out, int shard, long firstIndex, DeviceViews.JobPage p) {
        List<DeviceViews.Job> items = p.items() == null ? List.of() : p.items();
        List<Long> times = p.submittedMillis();
        for (int i = 0; i < items.size(); i++) {
            long t = times != null && i < times.size() && times.get(i) != null ? times.get(i) : 0L;
            out.add(new Stamped(t, shard, firstIndex + i, items.get(i)));
        }
    }

    /** A job by id: on the shard its id names, else on whichever shard has it. */
    public DeviceViews.Job job(String jobId) {
        int k = shardOfJob(jobId);
        if (k >= 0) {
            return shard(k, DeviceApi.class).job(jobId);
        }
        Gathered<DeviceViews.Job> g = each(s -> shard(s, DeviceApi.class).job(jobId));
        for (DeviceViews.Job j : g.answers().values()) {
            if (j != null) {
                return j;
            }
        }
        for (RuntimeException e : g.failures().values()) {
            if (!(e instanceof ErrnoException ee) || ee.errno() != Errno.ENOENT) {
                throw e;
            }
        }
        throw new ErrnoException(Errno.ENOENT, "no-such-job", "no job " + jobId);
    }

    /** Every shard's side of the audit, joined; the audit needs all of them, so a shard that fails fails it. */
    public AuditViews.Device audit() {
        Gathered<AuditViews.Device> g = each(k -> shard(k, DeviceApi.class).audit());
        if (!g.failures().isEmpty()) {
            throw g.firstFailure();
        }
        List<AuditViews.AtcEntry> atc = new ArrayList<>();
        List<AuditFinding> findings = new ArrayList<>();
        for (AuditViews.Device d : g.answers().values()) {
            if (d.atc() != null) {
                atc.addAll(d.atc());
            }
            if (d.findings() != null) {
                findings.addAll(d.findings());
            }
        }
        return new AuditViews.Device(atc, findings);
    }

    /**
     * What each shard answered, by shard, and what each that did not answer threw.
     */
    public record Gathered<R>(Map<Integer, R> answers, Map<Integer, RuntimeException> failures) {
        /** The first shard's failure (an {@link ErrnoException} as thrown, e.g. that shard's 503). */
        public RuntimeException firstFailure() {
            return failures.values().iterator().next();
        }
    }

    /** A merged answer and the shards left out of it. */
    public record Merged<T>(T value, Map<Integer, RuntimeException> failures) {
        public String unavailableHeader() {
            return DeviceShardClients.header(failures.keySet());
        }
    }

    /**
     * Every answering shard's devices (shard order), the shards that answered and those that did not, with why.
     */
    public record Listing(List<DeviceViews.Device> devices, Set<Integer> answered, Map<Integer, RuntimeException> failures) {
        public Listing {
            answered = Set.copyOf(answered);
            // In shard order (Map.copyOf would lose it): the first failure is the lowest shard's.
            failures = java.util.Collections.unmodifiableMap(new TreeMap<>(failures));
        }

        /** No shard answered (and at least one was asked): the listing has nothing to show but why. */
        public boolean noneAnswered() {
            return answered.isEmpty() && !failures.isEmpty();
        }

        /** The lowest shard's failure, or null when every shard answered. */
        public RuntimeException firstFailure() {
            return failures.isEmpty() ? null : failures.values().iterator().next();
        }

        /** The shards that did not answer, ascending. */
        public List<Integer> unavailable() {
            return failures.keySet().stream().sorted().toList();
        }

        /** The value of {@link #UNAVAILABLE_HEADER}: "1" or "0,2"; empty when every shard answered. */
        public String unavailableHeader() {
            return DeviceShardClients.header(failures.keySet());
        }
    }

    /** The answer header that names the device-service shards a merged listing is missing ("1", "0,2"). */
    public static final String UNAVAILABLE_HEADER = "Fabric-Unavailable-Shards";

    static String header(Collection<Integer> shards) {
        return shards.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
    }
}
