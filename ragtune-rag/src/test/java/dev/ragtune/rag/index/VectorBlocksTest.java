package dev.ragtune.rag.index;

class VectorBlocksTest extends ScanStoreContractTest {
    @Override
    ScanStore newStore(int dimension, int blockSize) {
        return new VectorBlocks(dimension, blockSize);
    }
}
