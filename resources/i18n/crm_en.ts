<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AssignDialog</name>
    <message numerus="yes">
        <source>Give the %Ln selected prospect(s) to:</source>
        <translation>
            <numerusform>Give the %Ln selected prospect to:</numerusform>
            <numerusform>Give the %Ln selected prospects to:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Format</name>
    <message numerus="yes">
        <source>%Ln day(s)</source>
        <translation>
            <numerusform>%Ln day</numerusform>
            <numerusform>%Ln days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PipelinePage</name>
    <message numerus="yes">
        <source>%Ln prospect(s)</source>
        <translation>
            <numerusform>%Ln prospect</numerusform>
            <numerusform>%Ln prospects</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ProspectListView</name>
    <message numerus="yes">
        <source>Unassigned %Ln prospect(s)</source>
        <translation>
            <numerusform>Unassigned %Ln prospect</numerusform>
            <numerusform>Unassigned %Ln prospects</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Assigned %Ln prospect(s) to {rm}</source>
        <translation>
            <numerusform>Assigned %Ln prospect to {rm}</numerusform>
            <numerusform>Assigned %Ln prospects to {rm}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Tagged %Ln prospect(s) as {tag}</source>
        <translation>
            <numerusform>Tagged %Ln prospect as {tag}</numerusform>
            <numerusform>Tagged %Ln prospects as {tag}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TagDialog</name>
    <message numerus="yes">
        <source>Add a tag to the %Ln selected prospect(s):</source>
        <translation>
            <numerusform>Add a tag to the %Ln selected prospect:</numerusform>
            <numerusform>Add a tag to the %Ln selected prospects:</numerusform>
        </translation>
    </message>
</context>
</TS>
