package dev.ragtune.rag.index;

class IvfIndexRowMajorListsTest extends IvfIndexTest {
    @Override
    boolean rowMajorLists() {
        return true;
    }
}
