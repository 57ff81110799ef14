package org.svafabric.api.boot;

import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A reboot of this service in its own JVM: the application context is closed and the same application
 * started again with the same arguments (same port, same database), so everything it held in memory is
 * built afresh. iommu-service reboots this way when RAM (mm-service) rebooted under it: its stream table,
 * CD tables and queues were in that RAM, and a fresh probe is how hardware and driver come back.
 *
 * <p>Registered in {@code META-INF/spring.factories}, so it sees every run of every service's application;
 * each context gets its {@link Handle} as a bean.
 */
public final class ServiceReboot implements ApplicationListener<ApplicationPreparedEvent> {

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        ConfigurableApplicationContext ctx = event.getApplicationContext();
        if (!ctx.getBeanFactory().containsSingleton(Handle.BEAN)) {
            ctx.getBeanFactory().registerSingleton(Handle.BEAN, new Handle(event.getSpringApplication(), event.getArgs(), ctx));
        }
    }

    /** The reboot of one running context. */
    public static final class Handle {
        static final String BEAN = "fabricServiceReboot";
        private static final Logger log = LoggerFactory.getLogger(Handle.class);

        private final SpringApplication app;
        private final String[] args;
        private final ConfigurableApplicationContext ctx;
        private final AtomicBoolean requested = new AtomicBoolean();

        Handle(SpringApplication app, String[] args, ConfigurableApplicationContext ctx) {
            this.app = app;
            this.args = args.clone();
            this.ctx = ctx;
        }

        /**
         * Closes this context and starts the application again, on a thread of its own (never the caller's: a
         * request thread of the closing context cannot outlive it). Once per context: a second request is the
         * same reboot.
         */
        public boolean reboot(String reason) {
            if (!requested.compareAndSet(false, true)) {
                return false;
            }
            Thread t = new Thread(() -> {
                log.warn("rebooting: {}", reason);
                ctx.close();
                try {
                    app.run(args);
                } catch (RuntimeException e) {
                    log.error("the service did not come back after its reboot ({})", reason, e);
                }
            }, "service-reboot");
            t.setDaemon(false);
            t.start();
            return true;
        }

        public boolean requested() {
            return requested.get();
        }
    }
}
