package org.svafabric.mm.api;

import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.mm.MmRamApi;
import org.svafabric.api.mm.MmViews;
import org.svafabric.mm.ram.FrameAllocator;
import org.svafabric.mm.ram.KernelPageAllocator;
import org.svafabric.mm.ram.Watermarks;
import org.svafabric.mm.swap.SwapStore;

/** The state of physical memory. */
@RestController
public class RamController implements MmRamApi {
    private final FrameAllocator frames;
    private final KernelPageAllocator kernelPages;
    private final SwapStore swap;

    public RamController(FrameAllocator frames, KernelPageAllocator kernelPages, SwapStore swap) {
        this.frames = frames;
        this.kernelPages = kernelPages;
        this.swap = swap;
    }

    @Override
    public MmViews.Ram ram() {
        Watermarks w = frames.watermarks();
        return new MmViews.Ram(frames.ram().frameCount(), frames.freeFrames(), new MmViews.Watermarks(w.min(), w.low(), w.high()),
                frames.ram().pinnedFrames(), swap.slotsUsed(), kernelPages.byOwner());
    }
}
