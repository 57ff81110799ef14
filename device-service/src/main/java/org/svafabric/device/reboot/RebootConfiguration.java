package org.svafabric.device.reboot;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.svafabric.device.Devices;

@Configuration
class RebootConfiguration {

    @Bean
    MachineReboots machineReboots(Devices devices) {
        return new MachineReboots(devices);
    }
}
