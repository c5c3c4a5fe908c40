package dev.ragtune.rag.index;

class IvfIndexBlockListsTest extends IvfIndexTest {
    @Override
    boolean rowMajorLists() {
        return false;
    }
}
