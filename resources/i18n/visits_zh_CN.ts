<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CalendarPage</name>
    <message>
        <source>Day plan</source>
        <translation>日程（按区域）</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>周</translation>
    </message>
    <message>
        <source>Team week</source>
        <translation>团队周视图</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Plan a visit…</source>
        <translation>计划拜访…</translation>
    </message>
    <message>
        <source>Export to calendar (.ics)…</source>
        <translation>导出到日历 (.ics)…</translation>
    </message>
    <message>
        <source>More</source>
        <translation>更多</translation>
    </message>
    <message>
        <source>Calendar</source>
        <translation>日历</translation>
    </message>
    <message>
        <source>Not recorded in time</source>
        <translation>未按时记录</translation>
    </message>
    <message>
        <source>public holiday</source>
        <translation>法定节假日</translation>
    </message>
    <message>
        <source>make-up working day</source>
        <translation>调休上班日</translation>
    </message>
    <message>
        <source>renewal reminder or loan maturity</source>
        <translation>续贷提醒或贷款到期</translation>
    </message>
    <message>
        <source>Drag a visit to another day to reschedule it; double-click to open.</source>
        <translation>拖动拜访到另一天即可改期；双击打开。</translation>
    </message>
    <message numerus="yes">
        <source>%Ln visit(s)</source>
        <translation>
            <numerusform>共 %Ln 条拜访</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln renewal reminder(s)</source>
        <translation>
            <numerusform>%Ln 条续贷提醒</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln visit(s) exported to {path}. Import the file in Outlook or a phone calendar.</source>
        <translation>
            <numerusform>已导出 %Ln 条拜访到 {path}。请在 Outlook 或手机日历中导入该文件。</numerusform>
        </translation>
    </message>
    <message>
        <source>A finalized record stays on the day it happened.</source>
        <translation>已定稿的记录不能改到其他日期。</translation>
    </message>
    <message>
        <source>A visit cannot be moved into the past.</source>
        <translation>拜访不能改到过去的日期。</translation>
    </message>
    <message>
        <source>Move to a day off?</source>
        <translation>改到休息日？</translation>
    </message>
    <message>
        <source>Move the visit to {name} there anyway?</source>
        <translation>仍然把对 {name} 的拜访改到这一天吗？</translation>
    </message>
    <message>
        <source>Visit to {name} moved to {day}</source>
        <translation>对 {name} 的拜访已改到 {day}</translation>
    </message>
    <message>
        <source>Export visits to a calendar file</source>
        <translation>导出拜访到日历文件</translation>
    </message>
    <message>
        <source>iCalendar files (*.ics)</source>
        <translation>iCalendar 日历文件 (*.ics)</translation>
    </message>
    <message>
        <source>Visits: {who}</source>
        <translation>拜访：{who}</translation>
    </message>
</context>
<context>
    <name>ChecklistBar</name>
    <message>
        <source>Financial-literacy checklist: {done} of {total} items covered</source>
        <translation>金融知识辅导清单：已完成 {done}/{total} 项</translation>
    </message>
</context>
<context>
    <name>ChecklistEditor</name>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Covered</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>this visit</source>
        <translation>本次拜访</translation>
    </message>
</context>
<context>
    <name>DayView</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Prospect</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Street / place</source>
        <translation>街道 / 地点</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>目的</translation>
    </message>
    <message>
        <source>With</source>
        <translation>同行</translation>
    </message>
    <message>
        <source>RM</source>
        <translation>客户经理</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>No visits planned this day. Double-click to plan one.</source>
        <translation>当天没有计划拜访。双击可新建计划。</translation>
    </message>
    <message>
        <source>Renewals: {items}</source>
        <translation>续贷提醒：{items}</translation>
    </message>
    <message>
        <source>No district</source>
        <translation>未设区域</translation>
    </message>
    <message numerus="yes">
        <source>{district} · %Ln visit(s)</source>
        <translation>
            <numerusform>{district} · %Ln 条拜访</numerusform>
        </translation>
    </message>
    <message>
        <source>{name} (loan matures)</source>
        <translation>{name}（贷款到期）</translation>
    </message>
    <message>
        <source>{name} ({days} days before maturity)</source>
        <translation>{name}（到期前 {days} 天）</translation>
    </message>
</context>
<context>
    <name>DueNotifier</name>
    <message>
        <source>Show Today</source>
        <translation>显示今日待办</translation>
    </message>
    <message numerus="yes">
        <source>%Ln visit(s) planned today</source>
        <translation>
            <numerusform>今天计划拜访 %Ln 户</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln prospect(s) overdue for contact</source>
        <translation>
            <numerusform>%Ln 户客户联系已逾期</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln planned visit(s) not recorded</source>
        <translation>
            <numerusform>%Ln 条计划拜访未记录</numerusform>
        </translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今日待办</translation>
    </message>
    <message>
        <source>Contact due</source>
        <translation>应联系提醒</translation>
    </message>
    <message numerus="yes">
        <source>%Ln more prospect(s) now overdue for contact</source>
        <translation>
            <numerusform>又有 %Ln 户客户联系已逾期</numerusform>
        </translation>
    </message>
    <message>
        <source>Visit at {time}</source>
        <translation>{time} 拜访</translation>
    </message>
    <message>
        <source>{name} — {place}</source>
        <translation>{name} — {place}</translation>
    </message>
</context>
<context>
    <name>MonthView</name>
    <message>
        <source>Mon</source>
        <translation>周一</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>周二</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>周三</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>周四</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>周五</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>周六</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>周日</translation>
    </message>
    <message>
        <source>+{count} more</source>
        <translation>还有 {count} 条</translation>
    </message>
    <message>
        <source>Renewals {count}</source>
        <translation>续贷 {count}</translation>
    </message>
    <message>
        <source>Visits this day: open the day plan</source>
        <translation>当天拜访数：点击打开当日计划</translation>
    </message>
    <message>
        <source>Maturity: {name}</source>
        <translation>贷款到期：{name}</translation>
    </message>
    <message>
        <source>Renewal reminder, {days} days before maturity: {name}</source>
        <translation>续贷提醒（到期前 {days} 天）：{name}</translation>
    </message>
</context>
<context>
    <name>PlanDialog</name>
    <message>
        <source>Edit planned visit</source>
        <translation>修改拜访计划</translation>
    </message>
    <message>
        <source>Plan a visit</source>
        <translation>计划拜访</translation>
    </message>
    <message>
        <source>Name, owner, address, USCC or pinyin initials</source>
        <translation>名称、负责人、地址、统一社会信用代码或拼音首字母</translation>
    </message>
    <message>
        <source>Prospect</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>at</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>When</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>The prospect&apos;s address if left empty</source>
        <translation>不填则为客户地址</translation>
    </message>
    <message>
        <source>Colleagues coming along</source>
        <translation>同行的同事</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>目的</translation>
    </message>
    <message>
        <source>Companions</source>
        <translation>同行人员</translation>
    </message>
    <message>
        <source>Type to find the prospect to visit.</source>
        <translation>输入以查找要拜访的客户。</translation>
    </message>
    <message>
        <source>No prospect matches.</source>
        <translation>没有匹配的客户。</translation>
    </message>
    <message>
        <source>last contact {day}</source>
        <translation>最近联系 {day}</translation>
    </message>
    <message>
        <source>contact due by {day}</source>
        <translation>应在 {day} 前联系</translation>
    </message>
</context>
<context>
    <name>ProspectVisitsPanel</name>
    <message>
        <source>Visits and contact</source>
        <translation>拜访与联系</translation>
    </message>
    <message>
        <source>Last contact</source>
        <translation>最近联系</translation>
    </message>
    <message>
        <source>Next contact due</source>
        <translation>下次应联系</translation>
    </message>
    <message>
        <source>Next planned visit</source>
        <translation>下次计划拜访</translation>
    </message>
    <message>
        <source>Plan a visit…</source>
        <translation>计划拜访…</translation>
    </message>
    <message>
        <source>Record a visit…</source>
        <translation>记录拜访…</translation>
    </message>
    <message>
        <source>Financial-literacy checklist</source>
        <translation>金融知识辅导清单</translation>
    </message>
    <message>
        <source>History</source>
        <translation>拜访记录</translation>
    </message>
    <message>
        <source>No visits yet</source>
        <translation>还没有拜访记录</translation>
    </message>
    <message>
        <source>Record each visit or phone call here: whom you met, what you discussed, the checklist items covered and the next step. Planned visits show here too.</source>
        <translation>每次上门拜访或电话沟通都在这里记录：见了谁、谈了什么、讲解了哪些清单条目、下一步做什么。计划中的拜访也显示在这里。</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未联系</translation>
    </message>
    <message>
        <source>no contact rhythm (dropped)</source>
        <translation>无需定期联系（已退出）</translation>
    </message>
    <message>
        <source>{day} — overdue by {days}</source>
        <translation>{day} — 已逾期 {days}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>amendment</source>
        <translation>更正</translation>
    </message>
</context>
<context>
    <name>ScopeBox</name>
    <message>
        <source>My visits</source>
        <translation>我的拜访</translation>
    </message>
    <message>
        <source>My team</source>
        <translation>我的团队</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Whose visits to show</source>
        <translation>显示谁的拜访</translation>
    </message>
</context>
<context>
    <name>SummaryCard</name>
    <message>
        <source>The {shown} most urgent of {count} are listed.</source>
        <translation>共 {count} 条，列出最紧急的 {shown} 条。</translation>
    </message>
</context>
<context>
    <name>TeamWeekView</name>
    <message>
        <source>Visits: {count}</source>
        <translation>拜访 {count}</translation>
    </message>
    <message>
        <source>No visits this week. Double-click a day to plan one.</source>
        <translation>本周没有拜访安排。双击某一天即可安排拜访。</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>+{count} more</source>
        <translation>还有 {count} 条</translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message>
        <source>Plan a visit…</source>
        <translation>计划拜访…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>visits planned today</source>
        <translation>今日计划拜访</translation>
    </message>
    <message>
        <source>planned visits not recorded</source>
        <translation>计划拜访未记录</translation>
    </message>
    <message>
        <source>prospects overdue for contact</source>
        <translation>客户联系已逾期</translation>
    </message>
    <message>
        <source>due for contact soon</source>
        <translation>即将到期联系</translation>
    </message>
    <message>
        <source>checklists stalled</source>
        <translation>辅导清单停滞</translation>
    </message>
    <message>
        <source>renewals to start</source>
        <translation>待启动续贷</translation>
    </message>
    <message>
        <source>Planned today</source>
        <translation>今日计划</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Prospect</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>District</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Record this visit…</source>
        <translation>记录这次拜访…</translation>
    </message>
    <message>
        <source>Planned for</source>
        <translation>计划日期</translation>
    </message>
    <message>
        <source>RM</source>
        <translation>客户经理</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应访日期</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Last contact</source>
        <translation>最近联系</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未联系</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>已计划</translation>
    </message>
    <message>
        <source>Covered</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Nothing covered since</source>
        <translation>此后未再辅导</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>停滞</translation>
    </message>
    <message>
        <source>Maturity</source>
        <translation>到期日</translation>
    </message>
    <message>
        <source>Days left</source>
        <translation>剩余天数</translation>
    </message>
    <message>
        <source>Reminder</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>{days} days before</source>
        <translation>到期前 {days} 天</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>已等待</translation>
    </message>
    <message>
        <source>today</source>
        <translation>今日</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>余额</translation>
    </message>
    <message>
        <source>Contact overdue</source>
        <translation>联系逾期</translation>
    </message>
    <message>
        <source>Not recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <source>Due soon</source>
        <translation>即将到期</translation>
    </message>
    <message>
        <source>Checklists stalled</source>
        <translation>清单停滞</translation>
    </message>
    <message>
        <source>Renewals</source>
        <translation>续贷</translation>
    </message>
    <message>
        <source>Record a visit or call…</source>
        <translation>记录拜访或电话…</translation>
    </message>
    <message>
        <source>Open prospect</source>
        <translation>打开客户</translation>
    </message>
    <message>
        <source>Double-click a row to act on it.</source>
        <translation>双击某行进行处理。</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今日待办</translation>
    </message>
    <message>
        <source>Overdue ({count})</source>
        <translation>联系逾期（{count}）</translation>
    </message>
    <message>
        <source>Not recorded ({count})</source>
        <translation>未记录（{count}）</translation>
    </message>
    <message>
        <source>Due in {days} days ({count})</source>
        <translation>{days} 天内到期（{count}）</translation>
    </message>
    <message>
        <source>Checklists ({count})</source>
        <translation>清单停滞（{count}）</translation>
    </message>
    <message>
        <source>Renewals ({count})</source>
        <translation>续贷（{count}）</translation>
    </message>
    <message>
        <source>{name}: a public holiday</source>
        <translation>{name}：法定节假日</translation>
    </message>
    <message>
        <source>{weekday}: a day off</source>
        <translation>{weekday}：休息日</translation>
    </message>
    <message>
        <source>Next working day: {day}, {weekday}. Visits planned: {count}.</source>
        <translation>下一个工作日：{day}（{weekday}），已安排拜访 {count} 次。</translation>
    </message>
    <message>
        <source>+{count} more</source>
        <translation>还有 {count} 条</translation>
    </message>
    <message>
        <source>Prospects overdue for contact: {count}.</source>
        <translation>逾期未联系的客户：{count} 户。</translation>
    </message>
    <message>
        <source>Show overdue contacts</source>
        <translation>查看逾期未联系客户</translation>
    </message>
    <message>
        <source>Select a row first.</source>
        <translation>请先选择一行。</translation>
    </message>
    <message>
        <source>Monday</source>
        <translation>星期一</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>星期二</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>星期三</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>星期四</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>星期五</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>星期六</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>星期日</translation>
    </message>
</context>
<context>
    <name>VisitDialog</name>
    <message>
        <source>Delete draft</source>
        <translation>删除草稿</translation>
    </message>
    <message>
        <source>Amend…</source>
        <translation>更正…</translation>
    </message>
    <message>
        <source>Finalize…</source>
        <translation>定稿…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Visit record — {name}</source>
        <translation>拜访记录 — {name}</translation>
    </message>
    <message>
        <source>amendment of an earlier record</source>
        <translation>对先前记录的更正</translation>
    </message>
    <message>
        <source>finalized {when} by {who}; hash {hash}</source>
        <translation>{who} 于 {when} 定稿；哈希 {hash}</translation>
    </message>
    <message numerus="yes">
        <source>%n amendment(s)</source>
        <translation>
            <numerusform>%n 条更正</numerusform>
        </translation>
    </message>
    <message>
        <source>A finalized record cannot be changed; amend it to correct it.</source>
        <translation>已定稿的记录不能修改；如需更正请录入更正记录。</translation>
    </message>
    <message>
        <source>Nothing is saved until you enter something; closing now keeps nothing.</source>
        <translation>填写内容后才会保存；现在关闭不会留下任何记录。</translation>
    </message>
    <message>
        <source>Saved as a draft on this computer; nothing is sent until it is finalized.</source>
        <translation>已作为草稿保存在本机；定稿前不会上传。</translation>
    </message>
    <message>
        <source>Editing…</source>
        <translation>正在编辑…</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Draft saved at {time}</source>
        <translation>草稿已于 {time} 保存</translation>
    </message>
    <message>
        <source>Not saved yet: fix the fields marked in red.</source>
        <translation>尚未保存：请修改标红的栏目。</translation>
    </message>
    <message>
        <source>Not saved: {error}</source>
        <translation>未保存：{error}</translation>
    </message>
    <message numerus="yes">
        <source>%n thing(s) missing or wrong: see the fields marked in red.</source>
        <translation>
            <numerusform>有 %n 处缺失或有误：请查看标红的栏目。</numerusform>
        </translation>
    </message>
    <message>
        <source>Finalize the record</source>
        <translation>记录定稿</translation>
    </message>
    <message>
        <source>Once finalized, this record can never be changed: it is the evidence of your due diligence. Corrections are recorded as amendments.

Finalize it now?</source>
        <translation>定稿后这条记录将不能再修改：它是您尽职履职的凭证。如需更正，请另行录入更正记录。

现在定稿吗？</translation>
    </message>
    <message>
        <source>Finalized.</source>
        <translation>已定稿。</translation>
    </message>
    <message>
        <source>Not finalized: see the fields marked in red.</source>
        <translation>未定稿：请查看标红的栏目。</translation>
    </message>
    <message>
        <source>Delete this unfinished record? A planned visit is removed from the calendar too.</source>
        <translation>删除这条未完成的记录？对应的拜访计划也会从日历中删除。</translation>
    </message>
</context>
<context>
    <name>VisitForm</name>
    <message>
        <source>The visit</source>
        <translation>拜访情况</translation>
    </message>
    <message>
        <source>at</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Colleagues who came along</source>
        <translation>同行的同事</translation>
    </message>
    <message>
        <source>Name and role, e.g. 法定代表人 王建国</source>
        <translation>姓名和职务，例如：法定代表人 王建国</translation>
    </message>
    <message>
        <source>When</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>目的</translation>
    </message>
    <message>
        <source>Companions</source>
        <translation>同行人员</translation>
    </message>
    <message>
        <source>People met</source>
        <translation>会见人员</translation>
    </message>
    <message>
        <source>What was learned about the business</source>
        <translation>了解到的经营情况</translation>
    </message>
    <message>
        <source>Real operating state</source>
        <translation>真实经营状况</translation>
    </message>
    <message>
        <source>First repayment source</source>
        <translation>第一还款来源</translation>
    </message>
    <message>
        <source>Growth prospects</source>
        <translation>发展前景</translation>
    </message>
    <message>
        <source>Financing need</source>
        <translation>融资需求</translation>
    </message>
    <message>
        <source>in 10,000 yuan (万元); empty if none</source>
        <translation>单位：万元；无需求可不填</translation>
    </message>
    <message>
        <source>e.g. after the Spring Festival</source>
        <translation>例如：春节后</translation>
    </message>
    <message>
        <source>Amount (万元)</source>
        <translation>金额（万元）</translation>
    </message>
    <message>
        <source>For</source>
        <translation>用途</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Schedule the next visit on</source>
        <translation>下次拜访安排在</translation>
    </message>
    <message>
        <source>Next steps</source>
        <translation>下一步工作</translation>
    </message>
    <message>
        <source>Next visit</source>
        <translation>下次拜访</translation>
    </message>
    <message>
        <source>What this amendment corrects, and why</source>
        <translation>本次更正的内容及原因</translation>
    </message>
    <message>
        <source>Amendment</source>
        <translation>更正说明</translation>
    </message>
    <message>
        <source>Credit-information query (征信查询授权)</source>
        <translation>征信查询授权</translation>
    </message>
    <message>
        <source>Authorised</source>
        <translation>已授权</translation>
    </message>
    <message>
        <source>Not authorised</source>
        <translation>未授权</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Due diligence checked (贷前、贷时、贷后“三查”)</source>
        <translation>尽职调查事项（贷前、贷时、贷后“三查”）</translation>
    </message>
    <message>
        <source>Before the loan</source>
        <translation>贷前调查</translation>
    </message>
    <message>
        <source>Granting the loan</source>
        <translation>贷时审查</translation>
    </message>
    <message>
        <source>After the loan</source>
        <translation>贷后检查</translation>
    </message>
    <message>
        <source>Financial-literacy checklist covered</source>
        <translation>本次覆盖的金融知识辅导清单（固本强基）</translation>
    </message>
    <message>
        <source>contact due by {day}</source>
        <translation>应在 {day} 前联系</translation>
    </message>
</context>
<context>
    <name>VisitLabels</name>
    <message>
        <source>Site visit</source>
        <translation>上门拜访</translation>
    </message>
    <message>
        <source>Phone call</source>
        <translation>电话联系</translation>
    </message>
    <message>
        <source>Video call</source>
        <translation>视频联系</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>已计划</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Finalized</source>
        <translation>已定稿</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>休</translation>
    </message>
    <message>
        <source>Work</source>
        <translation>班</translation>
    </message>
    <message>
        <source>{name} (provisional)</source>
        <translation>{name}（暂定）</translation>
    </message>
    <message>
        <source>{day} is a public holiday ({name}).</source>
        <translation>{day} 是法定节假日（{name}）。</translation>
    </message>
    <message>
        <source>{day} is a weekend day.</source>
        <translation>{day} 是周末。</translation>
    </message>
    <message>
        <source>{day} is a make-up working day ({name}).</source>
        <translation>{day} 是调休上班日（{name}）。</translation>
    </message>
    <message>
        <source>The holidays of {year} are provisional until head office publishes them.</source>
        <translation>{year} 年的节假日为暂定，以总行发布的放假安排为准。</translation>
    </message>
    <message>
        <source>The public holidays of {year} are not known: only weekends are marked.</source>
        <translation>{year} 年的法定节假日未知：目前只标出周末。</translation>
    </message>
    <message>
        <source>The public holidays of {year} shown are provisional: the statutory holidays, without make-up working days. They are replaced by the official schedule when head office publishes it.</source>
        <translation>{year} 年显示的节假日为暂定：按法定节假日推算，不含调休上班日。总行发布正式放假安排后将自动替换。</translation>
    </message>
</context>
<context>
    <name>VisitMenu</name>
    <message>
        <source>Export visits to calendar (.ics)…</source>
        <translation>导出拜访到日历 (.ics)…</translation>
    </message>
    <message>
        <source>Write your visits to an .ics file for Outlook or a phone calendar</source>
        <translation>把拜访写入 .ics 文件，供 Outlook 或手机日历使用</translation>
    </message>
</context>
<context>
    <name>WeekView</name>
    <message>
        <source>+{count} more</source>
        <translation>还有 {count} 条</translation>
    </message>
    <message>
        <source>{name}: loan matures</source>
        <translation>{name}：贷款到期</translation>
    </message>
    <message>
        <source>{name}: renewal reminder, {days} days before maturity</source>
        <translation>{name}：续贷提醒，到期前 {days} 天</translation>
    </message>
</context>
</TS>
