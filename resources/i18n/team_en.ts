<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>DrillDialog</name>
    <message numerus="yes">
        <source>%Ln prospect(s)</source>
        <translation>
            <numerusform>%Ln prospect</numerusform>
            <numerusform>%Ln prospects</numerusform>
        </translation>
    </message>
</context>
</TS>
