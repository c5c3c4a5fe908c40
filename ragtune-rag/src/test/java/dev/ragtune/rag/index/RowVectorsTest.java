package dev.ragtune.rag.index;

class RowVectorsTest extends ScanStoreContractTest {
    @Override
    ScanStore newStore(int dimension, int blockSize) {
        return new RowVectors(dimension, blockSize);
    }
}
