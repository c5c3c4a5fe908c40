package dev.ragtune.rag.index;

class FlatIndexFloat32Test extends FlatIndexTest {
    @Override
    ScanPrecision precision() {
        return ScanPrecision.FLOAT32;
    }
}
