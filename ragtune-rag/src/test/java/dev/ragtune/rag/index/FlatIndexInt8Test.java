package dev.ragtune.rag.index;

class FlatIndexInt8Test extends FlatIndexTest {
    @Override
    ScanPrecision precision() {
        return ScanPrecision.INT8;
    }
}
