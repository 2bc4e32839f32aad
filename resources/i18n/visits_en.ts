<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CalendarPage</name>
    <message numerus="yes">
        <source>%Ln visit(s)</source>
        <translation>
            <numerusform>%Ln visit</numerusform>
            <numerusform>%Ln visits</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln renewal reminder(s)</source>
        <translation>
            <numerusform>%Ln renewal reminder</numerusform>
            <numerusform>%Ln renewal reminders</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln visit(s) exported to {path}. Import the file in Outlook or a phone calendar.</source>
        <translation>
            <numerusform>%Ln visit exported to {path}. Import the file in Outlook or a phone calendar.</numerusform>
            <numerusform>%Ln visits exported to {path}. Import the file in Outlook or a phone calendar.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DayView</name>
    <message numerus="yes">
        <source>{district} · %Ln visit(s)</source>
        <translation>
            <numerusform>{district} · %Ln visit</numerusform>
            <numerusform>{district} · %Ln visits</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DueNotifier</name>
    <message numerus="yes">
        <source>%Ln visit(s) planned today</source>
        <translation>
            <numerusform>%Ln visit planned today</numerusform>
            <numerusform>%Ln visits planned today</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln prospect(s) overdue for contact</source>
        <translation>
            <numerusform>%Ln prospect overdue for contact</numerusform>
            <numerusform>%Ln prospects overdue for contact</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln planned visit(s) not recorded</source>
        <translation>
            <numerusform>%Ln planned visit not recorded</numerusform>
            <numerusform>%Ln planned visits not recorded</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln more prospect(s) now overdue for contact</source>
        <translation>
            <numerusform>%Ln more prospect is now overdue for contact</numerusform>
            <numerusform>%Ln more prospects are now overdue for contact</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>VisitDialog</name>
    <message numerus="yes">
        <source>%n amendment(s)</source>
        <translation>
            <numerusform>%n amendment</numerusform>
            <numerusform>%n amendments</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n thing(s) missing or wrong: see the fields marked in red.</source>
        <translation>
            <numerusform>%n thing is missing or wrong: see the field marked in red.</numerusform>
            <numerusform>%n things are missing or wrong: see the fields marked in red.</numerusform>
        </translation>
    </message>
</context>
</TS>
